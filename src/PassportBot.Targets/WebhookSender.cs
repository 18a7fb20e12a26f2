using System.Net.Http.Headers;

namespace PassportBot.Targets;

/// <summary>POSTs one event to one webhook: the JSON of <see cref="WebhookPayload"/>, its event name, its delivery id
/// (the same on every retry) and, when the webhook has a secret, the body's signature.</summary>
public sealed class WebhookSender(HttpClient http)
{
    public const string EventHeader = "X-PassportBot-Event";
    public const string DeliveryHeader = "X-PassportBot-Delivery";

    public async Task<TargetSendResult> SendAsync(WebhookEndpoint endpoint, TargetEvent e, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(e);
        var body = WebhookPayload.Serialize(e);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventHeader, e.EventName);
        request.Headers.Add(DeliveryHeader, e.DeliveryId);
        if (!string.IsNullOrEmpty(endpoint.Secret)) request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(endpoint.Secret, body));
        return await HttpDelivery.SendAsync(http, request, timeout, cancellationToken).ConfigureAwait(false);
    }
}
