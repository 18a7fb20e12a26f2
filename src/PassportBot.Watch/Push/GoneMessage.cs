using System.Globalization;
using System.Text;
using PassportBot.Domain;

namespace PassportBot.Watch.Push;

/// <summary>"No longer available" for <c>--notify-gone</c>, laid out like <see cref="AvailabilityFormatter.NewSlots"/>.</summary>
public static class GoneMessage
{
    public static string Format(Office office, IReadOnlyCollection<SlotKey> slots, Language language)
    {
        var english = language == Language.English;
        var sb = new StringBuilder();
        sb.Append("<b>").Append(english ? "No longer available:" : "Non più disponibile:").Append("</b>\n");
        foreach (var key in slots.OrderBy(k => k.Date).ThenBy(k => k.Time))
        {
            if (sb.Length > AvailabilityFormatter.MaxMessageLength - 400) break;
            sb.Append("   ").Append(AvailabilityFormatter.Day(key.Date)).Append(english ? " at " : " ore ")
                .Append(AvailabilityFormatter.Clock(key.Time)).Append('\n');
        }
        sb.Append(english ? "Office" : "Ufficio").Append(": ").Append(AvailabilityFormatter.Html(office.DisplayName));
        return sb.ToString();
    }
}
