using Microsoft.Playwright;

namespace PassportBot.Web.BrowserTests;

/// <summary>Debian's chromium driven by Playwright (no browser download: the executable path is given). A
/// missing browser fails the tests with instructions; it never skips them.</summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Overrides the browser executable (default /usr/bin/chromium, installed by scripts/services.sh).</summary>
    public const string ExecutableVariable = "PASSPORTBOT_TEST_CHROMIUM";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } custom ? custom : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"No browser at {executable}. Install Debian's chromium (`apt-get install -y chromium`, done by scripts/services.sh as root) " +
                $"or point {ExecutableVariable} at a Chromium executable.");
        }
        // Assertions wait as long as actions do: the suite shares two cores with the other test assemblies.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task<IPage> NewPageAsync(string language = "en")
    {
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 }, Locale = "en-GB" });
        // The pages remember the language in local storage; start every test in the same one.
        await context.AddInitScriptAsync($"localStorage.setItem('pb.lang', '{language}');");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        // A page's load event waits for every asset; with the suite sharing two cores it can take longer than an action.
        page.SetDefaultNavigationTimeout(60_000);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
