using System.Collections.Concurrent;
using System.Diagnostics;

namespace RecommenderService.Api.Tests.Observability;

/// <summary>
/// Spans leave the process over OTLP (HTTP/protobuf here) when OTEL_EXPORTER_OTLP_ENDPOINT is set, and not
/// at all when it is not. The receiver is a plain HTTP listener on loopback that keeps what it is sent.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OtlpExportTests(PostgresFixture postgres)
{
    [Fact]
    public async Task With_an_endpoint_the_requests_trace_is_exported()
    {
        using var receiver = OtlpReceiver.Start(FreePort.Next());
        var traceId = ActivityTraceId.CreateRandom();

        await using (var host = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        }))
        {
            await SendTracedRequestAsync(host, traceId);
        } // disposing the host shuts the tracer provider down, which flushes its batch

        // The trace id travels as its 16 raw bytes in the protobuf body. The exports are POSTs from the exporter's own
        // thread, and the host's start-up spans may come in an earlier batch: wait for the one that carries the request.
        var id = new byte[16];
        traceId.CopyTo(id);
        await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10),
            () => Task.FromResult(receiver.Received.Any(r => r.Body.AsSpan().IndexOf(id) >= 0)), pollMilliseconds: 100);
        var exported = receiver.Received.ToList();
        Assert.Contains(exported, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf");
        Assert.Contains(exported, r => r.Body.AsSpan().IndexOf(id) >= 0);
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported()
    {
        // The exporter's default for HTTP/protobuf is localhost:4318; listen there and expect silence.
        OtlpReceiver receiver;
        try
        {
            receiver = OtlpReceiver.Start(4318);
        }
        catch (HttpListenerException)
        {
            Assert.Fail("port 4318 (the OTLP default) is taken on this machine; the absence of an export cannot be observed");
            return;
        }
        using (receiver)
        {
            await using (var host = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            }))
            {
                await SendTracedRequestAsync(host, ActivityTraceId.CreateRandom());
            }

            Assert.Empty(receiver.Received);
        }
    }

    private static async Task SendTracedRequestAsync(RecommenderApiFactory host, ActivityTraceId traceId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/items/popular");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await host.CreateClientAsClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }


    private sealed record Export(string Path, string? ContentType, byte[] Body);

    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        private OtlpReceiver(int port)
        {
            Address = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add($"http://localhost:{port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Address { get; }

        public ConcurrentQueue<Export> Received { get; } = new();

        public static OtlpReceiver Start(int port) => new(port);

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                try
                {
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    Received.Enqueue(new Export(context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/x-protobuf";
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    // Stopped while an export was in flight (the test has read what it needed): the receiver is going.
                    return;
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
