using System.Net;

namespace PassportBot.Targets;

/// <summary>Sends one request and classifies the answer. Descriptions name the status or the kind of network
/// error only: never the URL (it may carry a secret), a header or the body.</summary>
internal static class HttpDelivery
{
    public static async Task<TargetSendResult> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new TargetSendResult.Delivered();
            var description = $"HTTP {status}";
            return status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                ? new TargetSendResult.Transient(description)
                : new TargetSendResult.Rejected(description);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TargetSendResult.Transient($"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new TargetSendResult.Transient($"network error ({e.HttpRequestError})");
        }
    }
}
