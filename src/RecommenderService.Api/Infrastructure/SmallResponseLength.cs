using Microsoft.AspNetCore.Http.Features;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Buffers the first <see cref="CompressionThreshold.Bytes"/> of a response body: a body that ends within them is
/// sent with its Content-Length (so <see cref="CompressionThreshold"/> skips it); a longer one streams on as before.
/// </summary>
public sealed class SmallResponseLength(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var holding = new HoldingStream(context.Response, original);
        var feature = new StreamResponseBodyFeature(holding, original);
        context.Features.Set<IHttpResponseBodyFeature>(feature);
        try
        {
            await next(context);
            // Drains the body's PipeWriter (JSON results write through it) into the holding stream first.
            await feature.CompleteAsync();
            await holding.CompleteAsync(context.RequestAborted);
        }
        finally
        {
            context.Features.Set(original);
        }
    }

    private sealed class HoldingStream(HttpResponse response, IHttpResponseBodyFeature original) : Stream
    {
        private MemoryStream? _held = new();

        private Stream Target => original.Stream;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_held is not null)
            {
                // A body whose length is already known needs no help; others are held until they pass the threshold.
                if (response.ContentLength is null && _held.Length + buffer.Length <= CompressionThreshold.Bytes)
                {
                    _held.Write(buffer.Span);
                    return;
                }
                await ReleaseAsync(cancellationToken);
            }
            await Target.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        /// <summary>While holding, a flush would only force the headers out early; it waits for the decision.</summary>
        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _held is null ? Target.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>The body ended: what is still held is small, so it goes out with its length.</summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (_held is null) return;
            if (_held.Length > 0 && !response.HasStarted) response.ContentLength ??= _held.Length;
            await ReleaseAsync(cancellationToken);
        }

        private async Task ReleaseAsync(CancellationToken cancellationToken)
        {
            var held = _held!;
            _held = null;
            if (held.Length > 0) await Target.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
