namespace AutoGradNet.Tests.Views;

/// <summary>
/// Views share their base's storage and version counter: a write to the base shows through every view, a write
/// through a view reaches the base, and a graph that saved the base notices the write.
/// </summary>
public class ViewStorageTests
{
    /// <summary>x[i, j] = 4·i + j for a 3×4 matrix, so every element names its own position.</summary>
    private static Tensor Base() => Tensor.FromArray([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 3, 4);

    [Fact]
    public void A_write_to_the_base_under_NoGrad_shows_through_every_view()
    {
        var x = Base().RequireGrad();
        var t = x.T;
        var stepped = x.Slice(1, 0, 4, 2);      // columns 0 and 2
        var row = x.Select(0, 1);
        var diagonal = x.Diagonal();
        var narrow = x.Narrow(1, 1, 2);         // columns 1 and 2
        var expanded = x.Select(0, 1).Expand(2, 4);
        var unsqueezed = x.Unsqueeze(0);
        var flat = x.Flatten();
        var viewed = x.View(4, 3);
        var views = new[] { t, stepped, row, diagonal, narrow, expanded, unsqueezed, flat, viewed };

        using (Tensor.NoGrad())
        {
            x.SetItemAt(100, 1, 2);
            x.SetItemAt(200, 1, 1);
        }

        t.ItemAt(2, 1).ShouldBe(100);
        stepped.ItemAt(1, 1).ShouldBe(100);
        row.ItemAt(2).ShouldBe(100);
        row.ItemAt(1).ShouldBe(200);
        diagonal.ItemAt(1).ShouldBe(200);
        narrow.ItemAt(1, 1).ShouldBe(100);
        narrow.ItemAt(1, 0).ShouldBe(200);
        expanded.ItemAt(0, 2).ShouldBe(100);
        expanded.ItemAt(1, 2).ShouldBe(100);
        unsqueezed.ItemAt(0, 1, 2).ShouldBe(100);
        flat.ItemAt(6).ShouldBe(100);
        viewed.ItemAt(2, 0).ShouldBe(100); // row-major position 6 = (2, 0) in a 4×3 view
        foreach (var v in views)
        {
            v.Storage.ShouldBeSameAs(x.Storage);
            v.Version.ShouldBe(x.Version);
        }
        flat.IsContiguous.ShouldBeTrue();
        viewed.IsContiguous.ShouldBeTrue();
        t.IsContiguous.ShouldBeFalse();
        stepped.IsContiguous.ShouldBeFalse();
    }

    public static TheoryData<string> Writers => ["T.CopyFrom", "Slice.AddInPlace", "Select.Fill", "Diagonal.SetItemAt"];

    /// <summary>Applies one write through a view of <paramref name="x"/>; returns the base's expected values afterwards.</summary>
    private static double[] WriteThroughView(string writer, Tensor x)
    {
        var expected = x.ToArray();
        switch (writer)
        {
            case "T.CopyFrom":
                // x.T[i, j] = x[j, i] := 50 + 10·i + j, so x[r, c] becomes 50 + 10·c + r.
                var source = Tensor.FromArray([.. Enumerable.Range(0, 12).Select(k => 50.0 + 10 * (k / 3) + k % 3)], 4, 3);
                x.T.CopyFrom(source);
                for (var r = 0; r < 3; r++)
                    for (var c = 0; c < 4; c++) expected[4 * r + c] = 50 + 10 * c + r;
                break;
            case "Slice.AddInPlace":
                x.Slice(1, 0, 4, 2).AddInPlace(1000);
                for (var r = 0; r < 3; r++)
                {
                    expected[4 * r] += 1000;
                    expected[4 * r + 2] += 1000;
                }
                break;
            case "Select.Fill":
                x.Select(0, 1).Fill(-1);
                for (var c = 0; c < 4; c++) expected[4 + c] = -1;
                break;
            case "Diagonal.SetItemAt":
                x.Diagonal().SetItemAt(7, 2);
                expected[10] = 7;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(writer), writer, null);
        }
        return expected;
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_write_through_a_view_reaches_the_base_and_bumps_the_shared_version(string writer)
    {
        var x = Base();
        var before = x.Version;
        var expected = WriteThroughView(writer, x);
        x.ToArray().ShouldBe(expected);
        x.Version.ShouldBeGreaterThan(before);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_graph_that_saved_the_base_notices_a_write_through_a_view(string writer)
    {
        var x = Base().RequireGrad();
        var y = (x * x).Sum(); // Mul saves x
        using (Tensor.NoGrad()) WriteThroughView(writer, x);
        var error = Should.Throw<InvalidOperationException>(() => y.Backward());
        error.Message.ShouldContain("modified by an in-place operation");
        error.Message.ShouldContain("MulBackward");
    }

    [Fact]
    public void A_write_through_a_view_of_a_tensor_that_requires_grad_throws_unless_under_NoGrad()
    {
        var x = Base().RequireGrad();
        Should.Throw<InvalidOperationException>(() => x.T.Fill(0)).Message.ShouldStartWith("Fill:");
        Should.Throw<InvalidOperationException>(() => x.Select(0, 1).AddInPlace(1)).Message.ShouldContain("NoGrad");
        Should.Throw<InvalidOperationException>(() => x.Diagonal().SetItemAt(1, 0)).Message.ShouldStartWith("SetItemAt:");
        Should.Throw<InvalidOperationException>(() => x.Slice(1, 0, 4, 2).CopyFrom(Tensor.Zeros([3, 2]))).Message.ShouldStartWith("CopyFrom:");

        // A view taken under NoGrad is unrecorded, but it still writes into a tensor that requires grad.
        Tensor unrecorded;
        using (Tensor.NoGrad()) unrecorded = x.T;
        unrecorded.RequiresGrad.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => unrecorded.Fill(0)).Message.ShouldContain("view");

        using (Tensor.NoGrad()) x.T.Fill(3);
        x.ToArray().ShouldAllBe(v => v == 3);
    }

    [Fact]
    public void A_write_into_an_Expand_view_throws_naming_the_broadcast_strides()
    {
        var x = Base();
        var expanded = x.Select(0, 0).Expand(3, 4);
        expanded.Strides.ShouldBe([0, 1]);
        var actions = new (string Op, Action Write)[]
        {
            ("Fill", () => expanded.Fill(1)),
            ("AddInPlace", () => expanded.AddInPlace(1)),
            ("CopyFrom", () => expanded.CopyFrom(Tensor.Zeros([3, 4]))),
            ("SetItemAt", () => expanded.SetItemAt(1, 0, 0)),
        };
        foreach (var (op, write) in actions)
        {
            var error = Should.Throw<InvalidOperationException>(write);
            error.Message.ShouldStartWith(op + ":");
            error.Message.ShouldContain("broadcast view");
            error.Message.ShouldContain("[0, 1]");
        }
        x.ToArray().ShouldBe(Base().ToArray());
    }

    [Fact]
    public void Reshape_of_a_non_contiguous_tensor_copies_while_View_throws_naming_shapes_and_strides()
    {
        var x = Base();
        var t = x.T;
        var reshaped = t.Reshape(12);
        reshaped.IsContiguous.ShouldBeTrue();
        reshaped.Storage.ShouldNotBeSameAs(x.Storage);
        reshaped.ToArray().ShouldBe([0.0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);

        var error = Should.Throw<ArgumentException>(() => t.View(12));
        error.Message.ShouldStartWith("View:");
        error.Message.ShouldContain(new Shape(4, 3).ToString());
        error.Message.ShouldContain(new Shape(12).ToString());
        error.Message.ShouldContain("strides [1, 4]");

        // Rows 0 and 2 (strides [8, 1]): splitting a row needs no copy, merging the two rows does.
        var rows = x.Slice(0, 0, 3, 2);
        rows.IsContiguous.ShouldBeFalse();
        var split = rows.View(2, 2, 2);
        split.Storage.ShouldBeSameAs(x.Storage);
        split.Strides.ShouldBe([8, 2, 1]);
        split.ToArray().ShouldBe([0.0, 1, 2, 3, 8, 9, 10, 11]);
        Should.Throw<ArgumentException>(() => rows.View(8)).Message.ShouldContain("strides [8, 1]");
        var merged = rows.Reshape(8);
        merged.Storage.ShouldNotBeSameAs(x.Storage);
        merged.ToArray().ShouldBe([0.0, 1, 2, 3, 8, 9, 10, 11]);
    }

    [Fact]
    public void Contiguous_returns_the_same_tensor_when_already_contiguous_and_a_copy_otherwise()
    {
        var x = Base();
        x.Contiguous().ShouldBeSameAs(x);
        var narrowRows = x.Narrow(0, 1, 2); // whole rows: still contiguous
        narrowRows.IsContiguous.ShouldBeTrue();
        narrowRows.Contiguous().ShouldBeSameAs(narrowRows);

        var copy = x.T.Contiguous();
        copy.IsContiguous.ShouldBeTrue();
        copy.Storage.ShouldNotBeSameAs(x.Storage);
        copy.ToArray().ShouldBe(x.T.ToArray());
    }

    [Fact]
    public void Empty_views_whose_offset_lies_past_the_end_of_storage_can_be_read_and_written()
    {
        // [0, 3] transposed is [3, 0] with strides [1, 3]; selecting row 2 starts at storage index 2 of an empty buffer.
        var empty = Tensor.Zeros([0, 3]).T.Select(0, 2);
        empty.Shape.ShouldBe(new Shape(0));
        empty.StorageOffset.ShouldBe(2);
        (empty + 1).Shape.ShouldBe(new Shape(0));
        empty.Exp().ToArray().ShouldBeEmpty();
        (empty > 0).ToArray<bool>().ShouldBeEmpty();
        empty.Sum().Item().ShouldBe(0);
        empty.Fill(1).ToArray().ShouldBeEmpty();

        // An empty contiguous tensor has stride-0 rows, but it is no broadcast view: writing into it is a no-op.
        var rows = Tensor.Zeros([3, 0]);
        rows.Strides[0].ShouldBe(0);
        rows.Slice(1, 0, 0, 2).CopyFrom(Tensor.Zeros([3, 0]));
        rows.Fill(2).Size.ShouldBe(0);
    }
}
