using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.AlertHistory;
using NginxPulse.Functions.AlertRules;
using NginxPulse.Functions.Alerts.Channels;
using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Alerts.Notifications;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.AlertStates;
using NginxPulse.Functions.CheckThresholds;
using NginxPulse.Functions.CreateAlertSilence;
using NginxPulse.Functions.ExpireAlertSilence;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// The alerting: the "Alerts" settings and the rules file (both validated at start-up), evaluation, state,
    /// outbox delivery and its channels, the CheckThresholds timer and the alert HTTP functions.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertsOptions>()
            .Bind(configuration.GetSection(AlertsOptions.Section))
            .PostConfigure(options =>
            {
                if (configuration[AlertsOptions.PublicUrlSetting] is { Length: > 0 } publicUrl) options.PublicUrl = publicUrl;
                var root = AppRoot.Resolve(configuration);
                options.RulesPath = Path.GetFullPath(options.RulesPath, root);
                if (options.Local.Directory.Length > 0) options.Local.Directory = Path.GetFullPath(options.Local.Directory, root);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(SendGridChannel.HttpClientName);
        services.AddHttpClient(WebhookChannel.HttpClientName);

        services.TryAddSingleton(sp => new AlertRuleBook(sp.GetRequiredService<IOptions<AlertsOptions>>()));
        services.TryAddSingleton<WatermarkReader>();
        services.TryAddSingleton<MetricReader>();
        services.TryAddSingleton<AlertStateStore>();
        services.TryAddSingleton<AlertHistoryReader>();
        services.TryAddSingleton<SilenceStore>();
        services.TryAddSingleton<OutboxStore>();
        services.TryAddSingleton<NotificationComposer>();
        services.TryAddSingleton<NotificationDelivery>();
        services.TryAddSingleton<AlertEvaluator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, LocalMailChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, SendGridChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, SmtpChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, WebhookChannel>());

        services.AddTimerFunction<CheckThresholdsFunction>("CheckThresholds");
        services.AddHttpFunction<AlertRulesFunction>("AlertRules");
        services.AddHttpFunction<AlertStatesFunction>("AlertStates");
        services.AddHttpFunction<AlertHistoryFunction>("AlertHistory");
        services.AddHttpFunction<CreateAlertSilenceFunction>("CreateAlertSilence");
        services.AddHttpFunction<ExpireAlertSilenceFunction>("ExpireAlertSilence");
        return services;
    }
}
