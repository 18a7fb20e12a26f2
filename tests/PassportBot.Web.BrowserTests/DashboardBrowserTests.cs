using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PassportBot.Domain;
using static Microsoft.Playwright.Assertions;

namespace PassportBot.Web.BrowserTests;

/// <summary>A system with open slots in a few provinces nobody follows (fixed counts, one per colour class) and
/// Torino followed and polled from the simulator.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    /// <summary>Province → open slots written at start, and the colour class the page must give it.</summary>
    public static readonly (string Province, int Slots, int Class)[] Recorded =
        [("BA", 1, 1), ("NA", 5, 2), ("FI", 15, 3), ("PA", 40, 4), ("BO", 120, 5)];

    public DashboardSystem System { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await DashboardSystem.StartAsync();
        var id = 900_000;
        foreach (var (province, slots, _) in Recorded)
        {
            var office = new Office(++id, province + "PQ01", "Questura di " + ProvinceCatalog.All.First(p => p.Code == province).Name,
                "Via Roma 1", "Città", province, new TimeOnly(8, 0));
            await System.RecordOpenSlotsAsync(province, office, slots);
        }
        await System.FollowAsync("TO");
    }

    public async Task DisposeAsync() => await System.DisposeAsync();
}

public sealed class DashboardBrowserTests(Browser browser, SystemFixture fixture) : IClassFixture<Browser>, IClassFixture<SystemFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DashboardSystem Sut => fixture.System;

    /// <summary>The colour classes, written out independently of the page's script.</summary>
    private static int ExpectedClass(int open) => open switch { 0 => 0, <= 2 => 1, <= 9 => 2, <= 29 => 3, <= 99 => 4, _ => 5 };

    [Fact]
    public async Task The_map_shows_every_province_and_its_colour_follows_the_open_slots()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url("/"));

        await Expect(page.Locator("#map a[data-code]")).ToHaveCountAsync(ProvinceCatalog.All.Count);
        await Expect(page.Locator("#map a[data-code='BO'] path")).ToHaveAttributeAsync("data-class", "5");

        using var http = new HttpClient { BaseAddress = Sut.Address };
        var provinces = await http.GetFromJsonAsync<JsonElement[]>("/api/provinces");
        var shapes = (await page.EvaluateAsync<JsonElement>("""
            [...document.querySelectorAll('#map a[data-code]')].map(a => {
              const path = a.querySelector('path'); const box = path.getBBox();
              return { code: a.dataset.code, cls: Number(path.dataset.class), fill: path.getAttribute('fill'), width: box.width, height: box.height };
            })
            """)).EnumerateArray().ToArray();

        Assert.Equal(ProvinceCatalog.All.Select(p => p.Code).Order(), shapes.Select(s => s.GetProperty("code").GetString()!).Order());
        var open = provinces!.ToDictionary(p => p.GetProperty("code").GetString()!, p => p.GetProperty("openSlots").GetInt32());
        foreach (var shape in shapes)
        {
            var code = shape.GetProperty("code").GetString()!;
            Assert.True(shape.GetProperty("width").GetDouble() > 0 && shape.GetProperty("height").GetDouble() > 0, $"{code} has no visible shape");
            Assert.True(ExpectedClass(open[code]) == shape.GetProperty("cls").GetInt32(), $"{code}: {open[code]} open slots, class {shape.GetProperty("cls").GetInt32()}");
        }
        foreach (var (province, _, cls) in SystemFixture.Recorded)
            Assert.Equal(cls, shapes.Single(s => s.GetProperty("code").GetString() == province).GetProperty("cls").GetInt32());

        // One fill per class, and "none" is the hatch pattern rather than a colour.
        var fills = shapes.GroupBy(s => s.GetProperty("cls").GetInt32()).ToDictionary(g => g.Key, g => g.Select(s => s.GetProperty("fill").GetString() ?? "").Distinct().ToArray());
        Assert.Equal(["url(#none-hatch)"], fills[0]);
        Assert.Equal(6, fills.Values.Select(f => Assert.Single(f)).Distinct().Count());

        await Browser.ScreenshotAsync(page, "home");
    }

    [Fact]
    public async Task Clicking_a_province_opens_its_page_with_its_offices()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url("/"));
        await Expect(page.Locator("#map a[data-code='BO'] path")).ToHaveAttributeAsync("data-class", "5");

        await page.Locator("#map a[data-code='BO']").ClickAsync();

        // Only the address: WaitForURLAsync waits for the page's load event once the address already matches (even
        // with Commit), which can come late on a loaded machine; the checks below wait for the content they need.
        await Expect(page).ToHaveURLAsync(new Regex("/province/BO$"));
        await Expect(page.Locator("#province-title")).ToContainTextAsync("Bologna");
        await Expect(page.Locator("#offices-table tbody tr[data-office='BOPQ01']")).ToContainTextAsync("120");
        await Expect(page.Locator("#stat-open")).ToHaveTextAsync("120");
        await Browser.ScreenshotAsync(page, "province-BO");
    }

    [Fact]
    public async Task The_timeline_shows_a_slot_life_from_first_seen_to_gone_with_its_places()
    {
        var office = Sut.AlwaysBookableOffice("TOPQ60");
        var key = Sut.Simulator.World.AddSlot(office, Sut.Day(30), new TimeOnly(10, 0), 3);
        var slot = $"{office}|{key.Date:yyyy-MM-dd}|10:00";
        await UntilAsync(async () => (await OpenSlotAsync("TO", slot))?.GetProperty("places").GetInt32() == 3, "the slot is recorded with 3 places");
        Sut.Simulator.World.TakePlaces(key, 1);
        await UntilAsync(async () => (await OpenSlotAsync("TO", slot))?.GetProperty("places").GetInt32() == 2, "the slot is down to 2 places");
        Sut.Simulator.World.RemoveSlot(key);
        await UntilAsync(async () => await OpenSlotAsync("TO", slot) is null, "the slot is gone");

        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url("/province/TO"));

        var life = page.Locator($"#timeline g.life[data-key='{slot}']");
        await Expect(life).ToHaveClassAsync(new Regex(@"\bgone\b"));
        var label = await life.GetAttributeAsync("aria-label");
        Assert.Contains("places 3 → 2", label, StringComparison.Ordinal);
        Assert.Contains("gone", label, StringComparison.Ordinal);
        Assert.Equal(2, await life.Locator("rect.bar").CountAsync());
        await Expect(life.Locator("line.gone-mark")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "province-TO");
    }

    [Fact]
    public async Task A_new_slot_arrives_on_the_open_page_without_a_reload_and_leaves_the_same_way()
    {
        var office = Sut.AlwaysBookableOffice("TOPQ60");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url("/province/TO"));
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("window.sameDocument = true");

        var key = Sut.Simulator.World.AddSlot(office, Sut.Day(31), new TimeOnly(11, 20), 2);
        var slot = $"{office}|{key.Date:yyyy-MM-dd}|11:20";

        await Expect(page.Locator($"#open-table tbody tr[data-key='{slot}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#live-list li[data-kind='new'][data-key='{slot}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#timeline g.life.open[data-key='{slot}']")).ToHaveCountAsync(1);

        Sut.Simulator.World.RemoveSlot(key);
        await Expect(page.Locator($"#open-table tbody tr[data-key='{slot}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#live-list li[data-kind='gone'][data-key='{slot}']")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
        await Browser.ScreenshotAsync(page, "province-TO-live");
    }

    [Fact]
    public async Task Sorting_opening_a_slot_history_and_the_map_work_with_the_keyboard()
    {
        var office = Sut.AlwaysBookableOffice("TOPQ60");
        var key = Sut.Simulator.World.AddSlot(office, Sut.Day(32), new TimeOnly(12, 40), 1);
        var slot = $"{office}|{key.Date:yyyy-MM-dd}|12:40";
        await UntilAsync(async () => await OpenSlotAsync("TO", slot) is not null, "the slot is recorded");

        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url("/"));
        await Expect(page.Locator("#map a[data-code='BO'] path")).ToHaveAttributeAsync("data-class", "5");

        // Sorting: the header's button, reached with Tab, sorts on Enter.
        var sortByCode = page.Locator("#provinces-table th[data-key='code'] button");
        await sortByCode.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#provinces-table th[data-key='code']")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page.Locator("#provinces-table tbody tr").First).ToContainTextAsync("AG");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#provinces-table th[data-key='code']")).ToHaveAttributeAsync("aria-sort", "descending");

        // A slot's history: the row is focusable and Enter opens it in the chart.
        var row = page.Locator($"#open-table tbody tr[data-key='{slot}']");
        Assert.Equal("0", await row.GetAttributeAsync("tabindex"));
        await row.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#chart-caption")).ToContainTextAsync(key.Date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture));
        await Expect(page.Locator("#chart path.line")).ToHaveCountAsync(1);

        // The map: each province is a link; Enter on it opens the province page. Only the address is awaited: on a
        // loaded machine the province page's own load can take longer than the check is about.
        // A key press that lands while the page is busy is tried again, each try still keyboard-only.
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("#map a[data-code='FI']").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await Expect(page).ToHaveURLAsync(new Regex("/province/FI$"), new() { Timeout = 10_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                if (page.Url.EndsWith("/province/FI", StringComparison.Ordinal)) break;
            }
        }
    }

    [Theory]
    [InlineData("/", "home")]
    [InlineData("/province/TO", "province")]
    [InlineData("/api-docs", "api-docs")]
    public async Task Axe_finds_no_serious_or_critical_violation(string path, string name)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Sut.Url(path));
        // Wait for the data, so the check sees the filled page rather than the empty frame.
        var ready = name switch
        {
            "home" => "#map a[data-code='BO'] path[data-class='5']",
            "province" => "#offices-table tbody tr",
            _ => ".operation",
        };
        await Expect(page.Locator(ready).First).ToBeAttachedAsync();

        var result = await page.RunAxe();

        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad));
        await Browser.ScreenshotAsync(page, "axe-" + name);
    }

    private async Task<JsonElement?> OpenSlotAsync(string province, string slot)
    {
        using var http = new HttpClient { BaseAddress = Sut.Address };
        var slots = await http.GetFromJsonAsync<JsonElement[]>($"/api/slots?province={province}&state=open&limit=5000");
        foreach (var s in slots!)
        {
            if ($"{s.GetProperty("officeId").GetInt32()}|{s.GetProperty("date").GetString()}|{s.GetProperty("time").GetString()}" == slot) return s;
        }
        return null;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for: {what}.");
            await Task.Delay(100);
        }
    }
}
