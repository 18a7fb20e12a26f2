using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Texts;

namespace PassportBot.Targets;

/// <summary>Publishes one event to an ntfy topic with ntfy's HTTP publish API: a plain-text body and the
/// <c>Title</c>, <c>Tags</c>, <c>Priority</c> and <c>Click</c> headers.</summary>
public sealed class NtfySender(HttpClient http)
{
    /// <summary>ntfy shows a notification's body up to 4,096 bytes; stay well inside it.</summary>
    private const int MaxSlotLines = 30;

    public async Task<TargetSendResult> SendAsync(NtfyEndpoint endpoint, TargetEvent e, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(e);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(Body(e, endpoint.Language), Encoding.UTF8, "text/plain"),
        };
        request.Headers.TryAddWithoutValidation("Title", HeaderText(Title(e, endpoint.Language)));
        request.Headers.TryAddWithoutValidation("Tags", e.Kind == TargetEventKind.Gone ? "passport_control,wastebasket" : "passport_control,calendar");
        request.Headers.TryAddWithoutValidation("Priority", e.Kind == TargetEventKind.Gone ? "default" : "high");
        request.Headers.TryAddWithoutValidation("Click", AvailabilityFormatter.BookingUrl);
        if (!string.IsNullOrEmpty(endpoint.Token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Token);
        return await HttpDelivery.SendAsync(http, request, timeout, cancellationToken).ConfigureAwait(false);
    }

    public static string Title(TargetEvent e, Language language)
    {
        var texts = TextCatalog.For(language).Notifications;
        var heading = e.Kind == TargetEventKind.Gone ? texts.NoLongerAvailable : texts.NewAvailability;
        return $"{heading.TrimEnd(':')}: {e.Office.DisplayName}";
    }

    public static string Body(TargetEvent e, Language language)
    {
        var texts = TextCatalog.For(language).Notifications;
        var inv = CultureInfo.InvariantCulture;
        var body = new StringBuilder();
        if (e.Kind == TargetEventKind.New && e.BookableAt is { } opens)
            body.AppendLine(string.Format(inv, texts.BookableAt, AvailabilityFormatter.Clock(TimeOnly.FromDateTime(RomeTime.ToRome(opens)))));
        foreach (var slot in e.Slots.Take(MaxSlotLines))
        {
            var day = AvailabilityFormatter.Day(slot.Date);
            var clock = AvailabilityFormatter.Clock(slot.Time);
            body.AppendLine(e.Kind == TargetEventKind.Gone
                ? string.Format(inv, texts.GoneSlotLine, day, clock)
                : string.Format(inv, texts.SlotLine, day, clock, slot.Places));
        }
        if (e.Slots.Count > MaxSlotLines) body.AppendLine(string.Format(inv, texts.MoreSlots, e.Slots.Count - MaxSlotLines));
        body.Append(texts.Address).Append(": ").Append(e.Office.Address);
        return body.ToString();
    }

    /// <summary>HTTP header values are ASCII; ntfy decodes RFC 2047 encoded words for anything else (accents in
    /// office names).</summary>
    public static string HeaderText(string text) =>
        text.All(c => c is >= ' ' and <= '~')
            ? text
            : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text.ReplaceLineEndings(" "))) + "?=";
}
