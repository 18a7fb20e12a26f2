using static Microsoft.Playwright.Assertions;

namespace PassportBot.Web.BrowserTests;

/// <summary>Its own system: the agenda session is made to expire, and the server is stopped at the end.</summary>
public sealed class StaleBannerBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task The_stale_banner_appears_when_the_session_expires_and_a_dropped_connection_is_shown()
    {
        await using var system = await DashboardSystem.StartAsync();
        await system.FollowAsync("TO");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(system.Url("/province/TO"));

        await Expect(page.Locator("#freshness")).ToContainTextAsync("Last poll");
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#stale-banner")).ToBeHiddenAsync();

        // The site stops accepting the session the poller holds, as when the real one expires.
        system.Simulator.RotateCredentials();

        var banner = page.Locator("#stale-banner");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("Data may be stale since");
        await Expect(banner).ToContainTextAsync("The agenda session has expired.");
        await Browser.ScreenshotAsync(page, "stale-banner");

        await system.App.StopAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Connection lost: reconnecting…");
    }
}
