# syntax=docker/dockerfile:1
#
# Linnet's container image:
#
#   docker build -t linnet:0.1.0 .
#   docker run --rm -p 8080:8080 -p 10254:10254 linnet:0.1.0 demo      # try it without a cluster
#
# Two stages: Maven builds controller/target/linnet.jar (the shaded executable; bytecode for Java 17),
# then only that jar goes into a JRE 25 image (issue 21: JDK 25 with compact object headers cost
# 0.87-0.98x Java 17's CPU per request in the perf harness; perf/README.md, "The runtime"). The image runs as a non-root user and writes nothing outside /tmp, so
# it runs with a read-only root filesystem (the Helm chart mounts an emptyDir on /tmp).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY gateway gateway
COPY controller controller
# The root pom lists perf as a module, so the reactor needs its pom; its sources are not built.
COPY perf/pom.xml perf/
# The controller jar carries the demo's manifests (controller/pom.xml, resources).
COPY examples examples
# Tests run in CI (mvn -B verify), not in the image build: they bind sockets and take minutes.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl controller -am package -DskipTests \
    && cp controller/target/linnet.jar /linnet.jar

FROM eclipse-temurin:25-jre
# A fixed numeric uid/gid, so that Kubernetes' runAsNonRoot can verify it (the chart uses 10001).
RUN groupadd --system --gid 10001 linnet \
    && useradd --system --uid 10001 --gid linnet --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin linnet
COPY --from=build /linnet.jar /app/linnet.jar
USER 10001:10001
WORKDIR /tmp
# Heap sized from the container's memory limit, not the node's; half of it, because Netty's direct
# buffers, metaspace and thread stacks live outside the heap. The Helm chart sets its own
# JAVA_TOOL_OPTIONS (values: jvm.*), which replaces this one.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError"
# 8080: HTTP; 10254: admin (/healthz, /readyz, /debug/routes). 8443 arrives with TLS.
EXPOSE 8080 8443 10254
# java.io.tmpdir is /tmp already; said explicitly because Netty extracts its native transport there
# and a read-only root filesystem leaves /tmp as the only writable place. Compact object headers
# (JDK 25): 8 bytes less per object, measured as the runtime's gain above. Native access for Netty's
# epoll transport is granted by the jar's manifest (Enable-Native-Access), so JDK 25 prints no warning.
ENTRYPOINT ["java", "-XX:+UseCompactObjectHeaders", "-Djava.io.tmpdir=/tmp", "-jar", "/app/linnet.jar"]
CMD ["serve"]
