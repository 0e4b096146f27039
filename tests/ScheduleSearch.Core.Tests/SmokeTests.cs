namespace ScheduleSearch.Core.Tests; public class SmokeTests { [Fact] public void One_equals_one() => Assert.Equal(1, 1); }
