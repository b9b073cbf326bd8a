using System.Runtime.InteropServices;
using System.Text;

namespace NginxPulse.KafkaMock;

/// <summary>
/// librdkafka's mock cluster through its C API: a Kafka-protocol test broker on real loopback ports, with
/// fault injection (broker down/up, leader moves, request errors, latency). Test/dev use only; nothing persists.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const string Lib = "librdkafka.so.1";
    private IntPtr handle;   // rd_kafka_t that owns the cluster
    private IntPtr cluster;  // rd_kafka_mock_cluster_t

    public string BootstrapServers { get; }
    public int BrokerCount { get; }

    public MockKafkaCluster(int brokers = 3)
    {
        if (brokers < 1) throw new ArgumentOutOfRangeException(nameof(brokers));
        var conf = rd_kafka_conf_new();
        var err = new StringBuilder(512);
        // The owning handle never talks to a cluster itself; silence its logs about missing bootstrap servers.
        rd_kafka_conf_set(conf, "log_level", "0", err, (UIntPtr)err.Capacity);
        handle = rd_kafka_new(0 /* RD_KAFKA_PRODUCER */, conf, err, (UIntPtr)err.Capacity);
        if (handle == IntPtr.Zero) throw new InvalidOperationException($"rd_kafka_new failed: {err}");
        cluster = rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        BrokerCount = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("mock cluster has no bootstrap list");
    }

    public void CreateTopic(string topic, int partitions, int replicationFactor = -1)
    {
        var rf = replicationFactor > 0 ? replicationFactor : Math.Min(3, BrokerCount);
        Check(rd_kafka_mock_topic_create(cluster, topic, partitions, rf), $"create topic {topic}");
    }

    /// <summary>Broker ids are 1..BrokerCount.</summary>
    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(cluster, brokerId), $"broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(cluster, brokerId), $"broker {brokerId} up");

    public void SetAllBrokersDown() { for (var b = 1; b <= BrokerCount; b++) SetBrokerDown(b); }

    public void SetAllBrokersUp() { for (var b = 1; b <= BrokerCount; b++) SetBrokerUp(b); }

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, brokerId), $"leader {topic}/{partition}");

    public void SetBrokerRtt(int brokerId, int rttMs) =>
        Check(rd_kafka_mock_broker_set_rtt(cluster, brokerId, rttMs), $"rtt broker {brokerId}");

    /// <summary>The next requests of the given Kafka API key fail with these error codes, in order.</summary>
    public void PushRequestErrors(short apiKey, params int[] errorCodes) =>
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, (UIntPtr)errorCodes.Length, errorCodes);

    private static void Check(int err, string what)
    {
        if (err != 0) throw new InvalidOperationException($"mock cluster: {what} failed with rd_kafka_resp_err_t {err}");
    }

    public void Dispose()
    {
        if (cluster != IntPtr.Zero) { rd_kafka_mock_cluster_destroy(cluster); cluster = IntPtr.Zero; }
        if (handle != IntPtr.Zero) { rd_kafka_destroy(handle); handle = IntPtr.Zero; }
    }

    [DllImport(Lib)] private static extern IntPtr rd_kafka_conf_new();
    [DllImport(Lib)] private static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Lib)] private static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Lib)] private static extern void rd_kafka_destroy(IntPtr rk);
    [DllImport(Lib)] private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCnt);
    [DllImport(Lib)] private static extern void rd_kafka_mock_cluster_destroy(IntPtr mcluster);
    [DllImport(Lib)] private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);
    [DllImport(Lib)] private static extern int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCnt, int replicationFactor);
    [DllImport(Lib)] private static extern int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);
    [DllImport(Lib)] private static extern int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);
    [DllImport(Lib)] private static extern int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);
    [DllImport(Lib)] private static extern int rd_kafka_mock_partition_set_leader(IntPtr mcluster, string topic, int partition, int brokerId);
    [DllImport(Lib)] private static extern void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr cnt, int[] errors);
}
