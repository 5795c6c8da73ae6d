using AutoGradNet.Data;

namespace AutoGradNet.Tests.Data;

public sealed class CsvTests
{
    [Fact]
    public void Loads_features_and_integer_labels_by_name()
    {
        using var dir = new TempDir();
        var path = dir.Write("iris.csv", "a,b,label,c\n1.5,-2,0,3e2\n\n4,5.25,2,6\n");
        var table = Csv.Load(path, "label");

        table.Features.DType.ShouldBe(DType.Float64);
        table.Features.Shape.ToArray().ShouldBe([2, 3]);
        table.Features.ToArray().ShouldBe([1.5, -2, 300, 4, 5.25, 6]);
        table.Labels.DType.ShouldBe(DType.Int64);
        table.Labels.ToArray<long>().ShouldBe([0L, 2]);
        table.FeatureNames.ShouldBe(["a", "b", "c"]);
        table.LabelName.ShouldBe("label");
    }

    [Fact]
    public void Label_by_index_negative_from_the_end_and_float_labels()
    {
        var text = "x;y;t\n1;2;0.5\n3;4;1.25\n";
        var table = Csv.Load(new StringReader(text), -1, delimiter: ';', labelDType: DType.Float64);
        table.Labels.DType.ShouldBe(DType.Float64);
        table.Labels.ToArray().ShouldBe([0.5, 1.25]);
        table.Features.ToArray().ShouldBe([1.0, 2, 3, 4]);
        Csv.Load(new StringReader(text), 0, delimiter: ';', labelDType: DType.Float64).Features.ToArray().ShouldBe([2.0, 0.5, 4, 1.25]);
    }

    [Fact]
    public void Without_a_header_columns_are_numbered()
    {
        var table = Csv.Load(new StringReader("1,2,1\n3,4,0\n"), 2, hasHeader: false);
        table.Features.Shape.ToArray().ShouldBe([2, 2]);
        table.Labels.ToArray<long>().ShouldBe([1L, 0]);
        table.FeatureNames.ShouldBe(["column1", "column2"]);
    }

    [Fact]
    public void Numbers_use_the_invariant_culture_quotes_and_integral_floats_as_labels()
    {
        var table = Csv.Load(new StringReader("\"f, one\",label\n\" 1.5 \",2.0\n-1e-3,3\n"), "label");
        table.FeatureNames.ShouldBe(["f, one"]);
        table.Features.ToArray().ShouldBe([1.5, -0.001]);
        table.Labels.ToArray<long>().ShouldBe([2L, 3]);
    }

    [Fact]
    public void Header_only_gives_empty_tensors()
    {
        var table = Csv.Load(new StringReader("a,b,y\n"), "y");
        table.Features.Shape.ToArray().ShouldBe([0, 2]);
        table.Labels.Shape.ToArray().ShouldBe([0]);
        table.ToDataset().Count.ShouldBe(0);
    }

    [Fact]
    public void Ragged_row_names_file_line_and_field_counts()
    {
        using var dir = new TempDir();
        var path = dir.Write("ragged.csv", "a,b,y\n1,2,0\n\n3,4\n");
        var e = Should.Throw<DataFormatException>(() => Csv.Load(path, "y"));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("line 4 has 2 fields, expected 3");
    }

    [Fact]
    public void Non_numeric_cell_names_line_column_and_text()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.csv", "width,height,y\n1,2,0\n3,tall,1\n");
        var e = Should.Throw<DataFormatException>(() => Csv.Load(path, "y"));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("line 3, column 'height': cannot read 'tall' as a number");
    }

    [Fact]
    public void Non_integer_label_names_line_column_and_text()
    {
        var e = Should.Throw<DataFormatException>(() => Csv.Load(new StringReader("a,y\n1,0.5\n"), "y", source: "mem.csv"));
        e.Message.ShouldContain("mem.csv line 2, column 'y': cannot read '0.5' as an integer label");
    }

    [Fact]
    public void Empty_cell_is_not_a_number()
    {
        var e = Should.Throw<DataFormatException>(() => Csv.Load(new StringReader("a,y\n,1\n"), "y"));
        e.Message.ShouldContain("line 2, column 'a': cannot read '' as a number");
    }

    [Fact]
    public void Missing_label_column_lists_the_header()
    {
        using var dir = new TempDir();
        var path = dir.Write("nolabel.csv", "a,b\n1,2\n");
        var e = Should.Throw<DataFormatException>(() => Csv.Load(path, "label"));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("no column named 'label'");
        e.Message.ShouldContain("a, b");
        Should.Throw<DataFormatException>(() => Csv.Load(path, 2)).Message.ShouldContain("no label column 2");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \n")]
    public void Empty_file_throws_naming_it(string text)
    {
        using var dir = new TempDir();
        var path = dir.Write("empty.csv", text);
        var e = Should.Throw<DataFormatException>(() => Csv.Load(path, "y"));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("is empty");
    }

    [Fact]
    public void Unclosed_quote_and_bad_arguments_are_reported()
    {
        Should.Throw<DataFormatException>(() => Csv.Load(new StringReader("a,y\n\"1,2\n"), "y")).Message.ShouldContain("line 2: a quoted field is not closed");
        Should.Throw<ArgumentException>(() => Csv.Load(new StringReader("1,2\n"), "y", hasHeader: false)).Message.ShouldContain("needs a header");
        Should.Throw<ArgumentException>(() => Csv.Load(new StringReader("a,y\n1,2\n"), "y", labelDType: DType.Bool)).Message.ShouldContain("Int64 or Float64");
    }
}
