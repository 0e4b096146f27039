using System.Reflection;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Support;

/// <summary>
/// A store seen by a run while another process writes to it: <c>grow</c> runs once, right after the first
/// <see cref="IScoreStore.GetSearchEvaluations"/> returns, as a worker storing an evaluation at that moment would.
/// Every call goes to the store underneath.
/// </summary>
public class StoreThatGrowsAfterListing : DispatchProxy
{
    private IScoreStore? inner;
    private Action? grow;

    /// <summary>Wraps <paramref name="store"/>.</summary>
    public static IScoreStore Wrap(IScoreStore store, Action grow)
    {
        var proxy = Create<IScoreStore, StoreThatGrowsAfterListing>();
        var self = (StoreThatGrowsAfterListing)(object)proxy;
        self.inner = store;
        self.grow = grow;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        try
        {
            var result = targetMethod.Invoke(inner, args);
            if (targetMethod.Name == nameof(IScoreStore.GetSearchEvaluations) && Interlocked.Exchange(ref grow, null) is { } once)
            {
                once();
            }

            return result;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
