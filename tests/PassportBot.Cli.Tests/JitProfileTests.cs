namespace PassportBot.Cli.Tests;

public sealed class JitProfileTests
{
    [Fact]
    public void An_unusable_folder_is_reported_and_the_process_goes_on_without_a_profile()
    {
        var file = Path.GetTempFileName();
        try
        {
            var outcome = JitProfile.Start(Path.Combine(file, "jit"), "web");
            Assert.Null(outcome.ProfilePath);
            Assert.False(outcome.Replaying);
            Assert.False(string.IsNullOrEmpty(outcome.Problem));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void An_empty_folder_setting_switches_it_off(string? directory) =>
        Assert.Equal(new JitProfile.Outcome(null, false, null), JitProfile.Start(directory, "web"));
}
