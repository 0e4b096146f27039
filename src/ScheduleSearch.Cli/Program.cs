using System.CommandLine;
using ScheduleSearch.Cli;

var root = RootCommandFactory.Create();
return await RootCommandFactory.InvokeAsync(root, args).ConfigureAwait(false);
