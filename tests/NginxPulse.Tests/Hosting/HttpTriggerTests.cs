using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>httpTrigger functions over real HTTP in both transports: routes, methods, keys, errors.</summary>
public sealed class HttpTriggerTests : IAsyncLifetime
{
    private const string Key = "0123456789abcdef-test-key";

    private readonly TestAppRoot root = new TestAppRoot()
        .WithFunction("Things", HttpFunctionJson.For("things/{id}"))
        .WithFunction("Open", HttpFunctionJson.For("open", authLevel: "anonymous", methods: "\"get\""));
    private readonly List<RunningApp> apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        root.Dispose();
    }

    private async Task<RunningApp> StartAsync(bool customHandler, Dictionary<string, string>? settings = null, string? appRoot = null)
    {
        settings ??= new Dictionary<string, string> { ["NginxPulseApiKey"] = Key };
        var builder = RunningApp.CreateBuilder(appRoot ?? root.Path, customHandler, settings);
        builder.Services.AddSingleton(new EchoHttpFunction("Things"));
        builder.Services.AddHttpFunction<EchoHttpFunction>("Things");
        builder.Services.AddKeyedSingleton("open", new EchoHttpFunction("Open"));
        builder.Services.AddHttpFunction<OpenFunction>("Open");
        var app = await RunningApp.StartAsync(builder);
        apps.Add(app);
        return app;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Standalone_route_passes_method_path_query_route_values_headers_and_body_and_returns_the_response_unchanged()
    {
        var app = await StartAsync(customHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/things/42?b=2&a=1&a=3") { Content = new StringContent("{\"x\":1}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-functions-key", Key);
        request.Headers.Add("X-Test", "hello");

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("yes", response.Headers.GetValues("X-Echo").Single());
        var echo = await JsonAsync(response);
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal("/api/things/42", echo.GetProperty("path").GetString());
        Assert.Equal(["a=1,3", "b=2"], echo.GetProperty("query").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["id=42"], echo.GetProperty("route").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("hello", echo.GetProperty("header").GetString());
        Assert.Equal("{\"x\":1}", echo.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-of-some-length")]
    public async Task Standalone_refuses_a_function_level_route_without_the_right_key(string? key)
    {
        var app = await StartAsync(customHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/things/1");
        if (key is not null) request.Headers.Add("x-functions-key", key);

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("x-functions-key", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Standalone_accepts_the_key_as_the_code_parameter_and_hides_it_from_the_function()
    {
        var app = await StartAsync(customHandler: false);

        using var response = await app.Http.GetAsync($"/api/things/7?code={Key}&q=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["q=1"], (await JsonAsync(response)).GetProperty("query").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Anonymous_routes_need_no_key_and_other_methods_are_refused()
    {
        var app = await StartAsync(customHandler: false);

        using var open = await app.Http.GetAsync("/api/open");
        using var post = await app.Http.PostAsync("/api/open", new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task A_failing_function_gives_500_without_its_exception_details()
    {
        var app = await StartAsync(customHandler: false);

        using var response = await app.Http.GetAsync($"/api/things/1?fail=1&code={Key}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Things failed", body);
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("InvalidOperationException", body);
    }

    [Fact]
    public async Task The_route_prefix_comes_from_host_json()
    {
        using var bare = new TestAppRoot("""{ "version": "2.0", "extensions": { "http": { "routePrefix": "" } } }""")
            .WithFunction("Things", HttpFunctionJson.For("things/{id}"))
            .WithFunction("Open", HttpFunctionJson.For("open", authLevel: "anonymous", methods: "\"get\""));
        var app = await StartAsync(customHandler: false, appRoot: bare.Path);

        using var response = await app.Http.GetAsync($"/things/5?code={Key}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/things/5", (await JsonAsync(response)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Under_the_host_forwarded_requests_reach_the_function_without_a_key_check()
    {
        var app = await StartAsync(customHandler: true, settings: []);

        using var response = await app.Http.GetAsync("/api/things/9?x=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["id=9"], (await JsonAsync(response)).GetProperty("route").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Under_the_host_an_enveloped_request_is_answered_in_the_http_output_binding()
    {
        var app = await StartAsync(customHandler: true, settings: []);
        const string envelope = """
            { "Data": { "req": { "Url": "http://localhost:7071/api/things/3?code=hostkey&z=26", "Method": "GET",
                                 "Query": { "code": "hostkey", "z": "26" }, "Headers": { "X-Test": ["from-host"] },
                                 "Params": { "id": "3" } } },
              "Metadata": { "sys": { "MethodName": "Things", "UtcNow": "2026-11-21T12:00:00Z" } } }
            """;

        using var response = await app.Http.PostAsync("/Things", new StringContent(envelope, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var res = (await JsonAsync(response)).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json; charset=utf-8", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        var echo = JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("/api/things/3", echo.GetProperty("path").GetString());
        Assert.Equal(["z=26"], echo.GetProperty("query").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["id=3"], echo.GetProperty("route").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("from-host", echo.GetProperty("header").GetString());
    }

    [Fact]
    public void A_bad_route_template_stops_start_up_naming_the_function_json()
    {
        using var bad = new TestAppRoot().WithFunction("Things", HttpFunctionJson.For("things/{id"));
        var builder = RunningApp.CreateBuilder(bad.Path, customHandler: false);
        builder.Services.AddSingleton(new EchoHttpFunction("Things"));
        builder.Services.AddHttpFunction<EchoHttpFunction>("Things");

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(builder));

        Assert.Contains("Things/function.json: route 'things/{id' is not a valid route template", error.Message);
    }

    [Fact]
    public async Task A_short_api_key_stops_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<FunctionAppConfigurationException>(() =>
            StartAsync(customHandler: false, settings: new Dictionary<string, string> { ["NginxPulseApiKey"] = "short" }));

        Assert.Contains("setting 'NginxPulseApiKey' is 5 characters long", error.Message);
    }

    [Fact]
    public async Task Without_the_key_setting_a_generated_key_protects_the_routes()
    {
        var app = await StartAsync(customHandler: false, settings: []);

        using var response = await app.Http.GetAsync("/api/things/1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>A second function type, since one implementation type serves one function.</summary>
    private sealed class OpenFunction([FromKeyedServices("open")] EchoHttpFunction inner) : IHttpFunction
    {
        public string Name => inner.Name;

        public Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct) => inner.HandleAsync(request, ct);
    }
}
