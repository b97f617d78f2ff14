namespace Moderation.AuthApi.Identity;

/// <summary>A slot taken from a semaphore, given back once however often it is disposed.</summary>
internal sealed class SemaphoreSlot(SemaphoreSlim semaphore) : IDisposable
{
    private int _freed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
        {
            semaphore.Release();
        }
    }
}
