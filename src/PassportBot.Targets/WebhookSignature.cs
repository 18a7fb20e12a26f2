using System.Security.Cryptography;
using System.Text;

namespace PassportBot.Targets;

/// <summary>The <c>X-PassportBot-Signature</c> header: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the
/// raw request body keyed with the webhook's secret, so a receiver can tell our requests from forged ones.</summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-PassportBot-Signature";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Constant-time check of a received signature header (for receivers and tests).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(header)) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var actual = Encoding.ASCII.GetBytes(header);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
