using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>A day set's rows (<see cref="DaySet"/>): each client's key, hour bits and 5-minute bits (<see cref="DayFiveMinutes"/>).</summary>
public sealed class HeldDayClients(ulong[] clients, uint[] hours, ulong[] fives)
{
    private static readonly int FiveColumns = DayFiveMinutes.Names.Count;

    public int Count => clients.Length;

    /// <summary>About what the arrays take in memory.</summary>
    public long ApproximateBytes => 100 + clients.Length * (8L + 4L + 8L * FiveColumns);

    /// <summary>
    /// Adds to <paramref name="found"/> the clients with an hour bit in <paramref name="hourMask"/> or a 5-minute bit in
    /// <paramref name="fiveMasks"/> (one mask per column): what the visitors' SQL reads of the day set.
    /// </summary>
    public void AddMatching(HashSet<ulong> found, uint hourMask, IReadOnlyList<ulong> fiveMasks)
    {
        var anyFives = fiveMasks.Any(m => m != 0);
        for (var i = 0; i < clients.Length; i++)
        {
            var match = (hours[i] & hourMask) != 0;
            for (var k = 0; !match && anyFives && k < FiveColumns; k++) match = (fives[i * FiveColumns + k] & fiveMasks[k]) != 0;
            if (match) found.Add(clients[i]);
        }
    }
}
