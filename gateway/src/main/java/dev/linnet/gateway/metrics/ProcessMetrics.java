package dev.linnet.gateway.metrics;

import static dev.linnet.gateway.metrics.MetricNames.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ingress-nginx's {@code nginx_process_*} families (its nginx_status collector), mapped to this
 * JVM: one process, its CPU time and memory, client connections and requests as the proxy
 * counts them. Plus Micrometer's standard JVM binders ({@code jvm_*}, {@code process_*},
 * {@code system_*}).
 *
 * <p>Connection states: {@code active} = open client connections, {@code writing} = requests in
 * progress, {@code waiting} = idle keep-alive connections (active − writing), {@code reading} =
 * 0 (a head is decoded within one read; there is no separate phase worth a gauge).
 * {@code nginx_process_connections_total} is not exported: the Java client refuses a counter
 * whose base name equals the {@code connections} gauge's.
 */
final class ProcessMetrics implements AutoCloseable {

    private static final long PAGE_SIZE = 4096;

    // Per-event-loop cells like the request families' (issue 7). open and inFlight go up and down
    // in different cells if a connection's events ever change thread: the sum is still right.
    final Series open = Series.counter();
    final Series inFlight = Series.counter();
    final Series requests = Series.counter();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ProcessMetrics(PrometheusRegistry registry, MeterRegistry meters, Labels constLabels) {
        GaugeWithCallback.builder().name(PROCESS_CONNECTIONS).help("current number of client connections with state "
                        + "{active, reading, writing, waiting}").labelNames(STATE).constLabels(constLabels)
                .callback(cb -> {
                    long active = open.counts()[0];
                    long writing = Math.min(active, inFlight.counts()[0]);
                    cb.call(active, "active");
                    cb.call(0, "reading");
                    cb.call(writing, "writing");
                    cb.call(active - writing, "waiting");
                }).register(registry);
        CounterWithCallback.builder().name(PROCESS_REQUESTS_TOTAL).help("total number of client requests")
                .constLabels(constLabels).callback(cb -> cb.call(requests.counts()[0])).register(registry);
        CounterWithCallback.builder().name(PROCESS_CPU_SECONDS_TOTAL).help("Cpu usage in seconds")
                .constLabels(constLabels).callback(cb -> cb.call(cpuSeconds())).register(registry);
        GaugeWithCallback.builder().name(PROCESS_RESIDENT_MEMORY).help("number of bytes of memory in use")
                .constLabels(constLabels).callback(cb -> cb.call(statm(1))).register(registry);
        GaugeWithCallback.builder().name(PROCESS_VIRTUAL_MEMORY).help("number of bytes of memory in use")
                .constLabels(constLabels).callback(cb -> cb.call(statm(0))).register(registry);
        GaugeWithCallback.builder().name(PROCESS_START_TIME).help("start time in seconds since 1970/01/01")
                .constLabels(constLabels)
                .callback(cb -> cb.call(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0))
                .register(registry);
        GaugeWithCallback.builder().name(PROCESS_NUM_PROCS).help("number of processes")
                .constLabels(constLabels).callback(cb -> cb.call(1)).register(registry);

        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
    }

    private static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    /** Field {@code index} of /proc/self/statm in bytes (0 = size, 1 = resident); JVM heap elsewhere. */
    private static double statm(int index) {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[index]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            Runtime rt = Runtime.getRuntime();
            return index == 1 ? rt.totalMemory() - rt.freeMemory() : rt.totalMemory();
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
