using NginxPulse.KafkaMock;

using var cluster = new MockKafkaCluster(3);
cluster.CreateTopic("nginx-access", 3);
Console.WriteLine(cluster.BootstrapServers);
