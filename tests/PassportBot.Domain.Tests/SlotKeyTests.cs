using PassportBot.Domain;

namespace PassportBot.Domain.Tests;

public class SlotKeyTests
{
    [Fact]
    public void Round_trips_through_text()
    {
        var key = new SlotKey(40, new DateOnly(2023, 12, 19), new TimeOnly(9, 5));
        Assert.Equal("40|2023-12-19|09:05", key.ToString());
        Assert.True(SlotKey.TryParse(key.ToString(), out var parsed));
        Assert.Equal(key, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("40|2023-12-19")]
    [InlineData("x|2023-12-19|09:05")]
    [InlineData("-1|2023-12-19|09:05")]
    [InlineData("40|2023-13-19|09:05")]
    [InlineData("40|2023-12-19|9.05")]
    [InlineData("40|2023-12-19|09:05|x")]
    public void Rejects_malformed_text(string text) => Assert.False(SlotKey.TryParse(text, out _));
}
