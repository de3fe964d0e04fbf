using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Compression (Brotli, then gzip) only pays above about a kilobyte: below it the encoding's framing and the
/// CPU cost outweigh the saving. The built-in middleware has no size threshold and most JSON goes out
/// without a Content-Length, so <see cref="SmallResponseLength"/> holds back the start of each body: a body
/// that ends within <see cref="Bytes"/> gets its length, and this provider leaves it uncompressed.
/// </summary>
public sealed class CompressionThreshold(IServiceProvider services, IOptions<ResponseCompressionOptions> options) : IResponseCompressionProvider
{
    public const int Bytes = 1024;

    private readonly ResponseCompressionProvider _inner = new(services, options);

    public ICompressionProvider? GetCompressionProvider(HttpContext context) => _inner.GetCompressionProvider(context);

    public bool ShouldCompressResponse(HttpContext context) =>
        context.Response.ContentLength is not < Bytes && _inner.ShouldCompressResponse(context);

    public bool CheckRequestAcceptsCompression(HttpContext context) => _inner.CheckRequestAcceptsCompression(context);
}
