using System.Text.Json.Nodes;

namespace PassportBot.Testing;

/// <summary>A Bot API response envelope and its HTTP status (equal to error_code on failure).</summary>
internal sealed record ApiResult(int StatusCode, JsonObject Body)
{
    public static ApiResult Ok(JsonNode? result) => new(200, new JsonObject { ["ok"] = true, ["result"] = result });

    public static ApiResult Fail(int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds) body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return new ApiResult(code, body);
    }
}
