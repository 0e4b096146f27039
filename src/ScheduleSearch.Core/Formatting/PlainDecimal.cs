using System.Globalization;

namespace ScheduleSearch.Core.Formatting;

/// <summary>
/// Numbers as plain invariant decimals, never in exponent notation: ComfyUI's manual-sigmas parser cannot read
/// "1e-3", and a user's decimal comma must never reach a file.
/// </summary>
public static class PlainDecimal
{
    /// <summary>
    /// <paramref name="value"/> with up to 17 significant digits, no exponent ("0.0029", "14.614641", "0").
    /// </summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "only finite numbers can be exported");
        }

        if (value == 0.0)
        {
            return "0";
        }

        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        if (!roundTrip.Contains('E', StringComparison.Ordinal))
        {
            return roundTrip;
        }

        // Exponent form ("1.2345E-05"): shift the same shortest round-trip digits into positional notation.
        var negative = roundTrip.StartsWith('-');
        var body = negative ? roundTrip[1..] : roundTrip;
        var e = body.IndexOf('E', StringComparison.Ordinal);
        var exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = body[..e];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = (point < 0 ? mantissa.Length : point) + exponent;
        string plain;
        if (integerDigits <= 0)
        {
            plain = "0." + new string('0', -integerDigits) + digits;
        }
        else if (integerDigits >= digits.Length)
        {
            plain = digits + new string('0', integerDigits - digits.Length);
        }
        else
        {
            plain = digits[..integerDigits] + "." + digits[integerDigits..];
        }

        return negative ? "-" + plain : plain;
    }
}
