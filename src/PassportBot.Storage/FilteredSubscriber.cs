using PassportBot.Domain;
using PassportBot.Domain.Filters;

namespace PassportBot.Storage;

/// <summary>An active chat following a province, with the user's filters and that province's office restriction.</summary>
public sealed record FilteredSubscriber(long ChatId, Language Language, SubscriberFilter Filter);
