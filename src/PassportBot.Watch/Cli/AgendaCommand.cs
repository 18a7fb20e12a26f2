using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Domain.Texts;
using PassportBot.Watch.Hosting;
using PassportBot.Watch.Output;

namespace PassportBot.Watch.Cli;

/// <summary>Runs one request to the agenda site through the shared client and turns its failures into clear
/// messages and exit codes (shared by <c>offices</c> and <c>town</c>).</summary>
internal static class AgendaCommand
{
    public static async Task<int> RunAsync(
        ConfigureCommandConfiguration configure,
        IReadOnlyList<string> unmatched,
        IDictionary<string, string?> overrides,
        bool demo,
        TextWriter output,
        TextWriter error,
        WatchTexts t,
        Func<IAgendaClient, CancellationToken, Task<int>> action,
        CancellationToken ct)
    {
        if (!ConfigArguments.TrySplit(unmatched, out var configArgs, out var argError))
        {
            await error.WriteLineAsync(argError).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var builder = WatchHost.CreateAgendaBuilder(c => { configure(c, configArgs); c.AddInMemoryCollection(overrides); }, demo);
        using var host = builder.Build();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        ct = stopping.Token;
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            return await action(host.Services.GetRequiredService<IAgendaClient>(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (WatchCommands.OptionsFailures(ex) is { } failures)
        {
            foreach (var failure in failures) await error.WriteLineAsync(failure).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (AgendaSessionExpiredException)
        {
            await WriteSessionHelpAsync(error, t, t.AgendaSessionExpired, host).ConfigureAwait(false);
            return ExitCodes.Session;
        }
        catch (AgendaCredentialsMissingException)
        {
            await WriteSessionHelpAsync(error, t, t.AgendaCredentialsMissing, host).ConfigureAwait(false);
            return ExitCodes.Session;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (AgendaUnavailableException ex)
        {
            await error.WriteLineAsync(WatchCommands.Format(t.AgendaUnavailable, ex.Message)).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try { await host.StopAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private static async Task WriteSessionHelpAsync(TextWriter error, WatchTexts t, string headline, IHost host)
    {
        var agenda = host.Services.GetRequiredService<IOptions<AgendaOptions>>().Value;
        await error.WriteLineAsync(headline).ConfigureAwait(false);
        foreach (var step in SessionHelp.Steps(t, agenda.CookieFile, agenda.CsrfTokenFile)) await error.WriteLineAsync(step).ConfigureAwait(false);
    }
}
