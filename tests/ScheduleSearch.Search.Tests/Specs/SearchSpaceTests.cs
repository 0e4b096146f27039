using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

public sealed class SearchSpaceTests
{
    [Fact]
    public void Without_data_statistics_the_space_drops_mean_x0_and_teleport_and_keeps_the_rest()
    {
        var wide = SearchSpace.Default.WithWideDecisions();
        var plain = wide.WithoutDataStatistics();
        Assert.False(plain.Teleport);
        Assert.Equal([AnalyticFirstStep.ZeroX0], plain.AfsModes.ToArray());
        Assert.True(plain.TimeShift && plain.Compensation && plain.Momentum);
        Assert.Equal(SearchSpace.Plain, SearchSpace.Plain.WithoutDataStatistics());
    }
}
