using PassportBot.Cli;

return await CommandLine.InvokeAsync(args).ConfigureAwait(false);
