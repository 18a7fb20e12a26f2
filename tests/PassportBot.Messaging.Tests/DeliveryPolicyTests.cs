namespace PassportBot.Messaging.Tests;

public sealed class DeliveryPolicyTests
{
    [Fact]
    public void Redelivery_waits_double_per_failure_up_to_an_hour()
    {
        var options = new ConsumerOptions { RetryDelay = TimeSpan.FromSeconds(5) };

        var delays = new[] { 1, 2, 3, 4, 10, 11, 12, 1000, int.MaxValue }.Select(n => DeliveryPolicy.RetryDelay(options, n));

        Assert.Equal([5, 10, 20, 40, 2560, 3600, 3600, 3600, 3600], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void A_retry_delay_above_the_cap_is_capped_and_zero_stays_zero()
    {
        Assert.Equal(DeliveryPolicy.MaxRetryDelay, DeliveryPolicy.RetryDelay(new ConsumerOptions { RetryDelay = TimeSpan.FromHours(3) }, 1));
        Assert.Equal(TimeSpan.Zero, DeliveryPolicy.RetryDelay(new ConsumerOptions { RetryDelay = TimeSpan.Zero }, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveryPolicy.RetryDelay(new ConsumerOptions(), 0));
    }
}
