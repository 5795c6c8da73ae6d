using System.Globalization;

namespace AutoGradNet.Verification;

/// <summary>Index and number formatting shared by the verification reports.</summary>
internal static class Indices
{
    /// <summary>
    /// The row-major multi-dimensional index of element <paramref name="flat"/> of <paramref name="shape"/>, which has that
    /// element (so no axis has length 0).
    /// </summary>
    public static int[] Unravel(int flat, Shape shape)
    {
        var index = new int[shape.Rank];
        for (var axis = shape.Rank - 1; axis >= 0; axis--)
        {
            var n = shape[axis];
            index[axis] = flat % n;
            flat /= n;
        }
        return index;
    }

    /// <summary>A vector's index as a number ("3"), a scalar's as "0", any other as "[1, 2]".</summary>
    public static string Format(int[] index) => index.Length switch
    {
        0 => "0",
        1 => index[0].ToString(CultureInfo.InvariantCulture),
        _ => Bracketed(index),
    };

    /// <summary>Always bracketed: "[3]", "[1, 2]", "[]".</summary>
    public static string Bracketed(int[] index) => "[" + string.Join(", ", index) + "]";

    /// <summary>A value with six significant digits.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>An error or tolerance with three significant digits.</summary>
    public static string Error(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : value.ToString("G3", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
}
