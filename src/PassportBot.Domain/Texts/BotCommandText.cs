namespace PassportBot.Domain.Texts;

/// <summary>One entry of the bot's command menu.</summary>
public sealed record BotCommandText(string Command, string Description);
