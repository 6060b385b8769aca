{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "linnet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: "<release>-<chart>", or the release name alone when it already
contains the chart name. Truncated to 63 characters (some name fields are DNS labels).
*/}}
{{- define "linnet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "linnet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the pods: never change them on upgrade (a Deployment's selector is immutable). */}}
{{- define "linnet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "linnet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "linnet.labels" -}}
helm.sh/chart: {{ include "linnet.chart" . }}
{{ include "linnet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: linnet
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "linnet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "linnet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "linnet.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* NAMESPACE/NAME for --publish-service: the override, else this chart's own Service. */}}
{{- define "linnet.publishService" -}}
{{- .Values.controller.publishService.pathOverride | default (printf "%s/%s" .Release.Namespace (include "linnet.fullname" .)) }}
{{- end }}

{{/*
The `linnet serve` arguments. Every flag here must exist in ServeCommand: the chart's test parses
the rendered args with the real picocli command, so a renamed or removed flag fails the build.
Flags are written --flag=value so that a value starting with "-" cannot be taken for a flag.
*/}}
{{- define "linnet.args" -}}
- serve
- {{ printf "--http-port=%d" (int64 .Values.controller.ports.http) | quote }}
- {{ printf "--https-port=%d" (int64 .Values.controller.ports.https) | quote }}
{{- with .Values.controller.httpRedirectCode }}
- {{ printf "--http-redirect-code=%d" (int64 .) | quote }}
{{- end }}
{{- with .Values.controller.defaultSslCertificate }}
- {{ printf "--default-ssl-certificate=%s" . | quote }}
{{- end }}
{{- with .Values.controller.defaultBackendService }}
- {{ printf "--default-backend-service=%s" . | quote }}
{{- end }}
- {{ printf "--admin-port=%d" (int64 .Values.controller.ports.admin) | quote }}
- {{ printf "--ingress-class=%s" .Values.ingressClass.name | quote }}
- {{ printf "--controller-class=%s" .Values.ingressClass.controller | quote }}
- {{ printf "--election-id=%s" .Values.controller.electionId | quote }}
- {{ printf "--annotations-prefix=%s" .Values.controller.annotationsPrefix | quote }}
{{- range .Values.controller.watchNamespaces }}
- {{ printf "--watch-namespace=%s" . | quote }}
{{- end }}
{{- if .Values.controller.watchIngressWithoutClass }}
- --watch-ingress-without-class
{{- end }}
{{- if .Values.controller.publishStatusAddresses }}
- {{ printf "--publish-status-address=%s" (join "," .Values.controller.publishStatusAddresses) | quote }}
{{- else if .Values.controller.publishService.enabled }}
- {{ printf "--publish-service=%s" (include "linnet.publishService" .) | quote }}
{{- end }}
{{- if .Values.controller.updateStatusOnShutdown }}
- --update-status-on-shutdown
{{- end }}
- {{ printf "--configmap=%s/%s" .Release.Namespace (include "linnet.fullname" .) | quote }}
{{- with .Values.controller.connectTimeoutSeconds }}
- {{ printf "--connect-timeout=%d" (int64 .) | quote }}
{{- end }}
{{- with .Values.controller.readTimeoutSeconds }}
- {{ printf "--read-timeout=%d" (int64 .) | quote }}
{{- end }}
{{- if kindIs "string" .Values.controller.maxBodySize }}
- {{ printf "--max-body-size=%s" .Values.controller.maxBodySize | quote }}
{{- else if not (kindIs "invalid" .Values.controller.maxBodySize) }}
- {{ printf "--max-body-size=%d" (int64 .Values.controller.maxBodySize) | quote }}
{{- end }}
{{- with .Values.controller.clientBodyTemp }}
- "--client-body-temp-path=/var/cache/linnet/client-body"
{{- if kindIs "string" .maxSize }}
- {{ printf "--client-body-temp-max-size=%s" .maxSize | quote }}
{{- else }}
- {{ printf "--client-body-temp-max-size=%d" (int64 .maxSize) | quote }}
{{- end }}
{{- end }}
{{- with .Values.controller.limits }}
{{- if not (kindIs "invalid" .maxRequestLine) }}
- {{ printf "--max-request-line=%d" (int64 .maxRequestLine) | quote }}
{{- end }}
{{- if not (kindIs "invalid" .maxHeaderSize) }}
- {{ printf "--max-header-size=%d" (int64 .maxHeaderSize) | quote }}
{{- end }}
- {{ printf "--max-headers=%d" (int64 .maxHeaders) | quote }}
{{- if not (kindIs "invalid" .keepAliveSeconds) }}
- {{ printf "--keep-alive=%d" (int64 .keepAliveSeconds) | quote }}
{{- end }}
{{- if not (kindIs "invalid" .keepAliveRequests) }}
- {{ printf "--keep-alive-requests=%d" (int64 .keepAliveRequests) | quote }}
{{- end }}
{{- if not (kindIs "invalid" .clientHeaderTimeoutSeconds) }}
- {{ printf "--client-header-timeout=%d" (int64 .clientHeaderTimeoutSeconds) | quote }}
{{- end }}
{{- if not (kindIs "invalid" .clientBodyTimeoutSeconds) }}
- {{ printf "--client-body-timeout=%d" (int64 .clientBodyTimeoutSeconds) | quote }}
{{- end }}
- {{ printf "--max-connections=%d" (int64 .maxConnections) | quote }}
{{- end }}
- {{ printf "--shutdown-delay=%d" (int64 .Values.controller.shutdown.delaySeconds) | quote }}
- {{ printf "--shutdown-grace=%d" (int64 .Values.controller.shutdown.graceSeconds) | quote }}
{{- with .Values.metrics.flags }}
- {{ printf "--metrics-per-host=%t" .perHost | quote }}
- {{ printf "--report-status-classes=%t" .reportStatusClasses | quote }}
{{- if .excludeSocketMetrics }}
- {{ printf "--exclude-socket-metrics=%s" (join "," .excludeSocketMetrics) | quote }}
{{- end }}
{{- if .timeBuckets }}
- {{ printf "--time-buckets=%s" (join "," .timeBuckets) | quote }}
{{- end }}
{{- if .lengthBuckets }}
- {{ printf "--length-buckets=%s" (join "," .lengthBuckets) | quote }}
{{- end }}
{{- if .sizeBuckets }}
- {{ printf "--size-buckets=%s" (join "," .sizeBuckets) | quote }}
{{- end }}
{{- if .legacyLatencyMetric }}
- --legacy-latency-metric
{{- end }}
{{- end }}
{{- range .Values.controller.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the value, or shutdown delay + grace + 10 s for the JVM to stop. A
value that does not cover delay + grace fails: the kubelet would SIGKILL requests being drained.
*/}}
{{- define "linnet.terminationGracePeriodSeconds" -}}
{{- $drain := add (int64 .Values.controller.shutdown.delaySeconds) (int64 .Values.controller.shutdown.graceSeconds) -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds -}}
{{- add $drain 10 -}}
{{- else if lt (int64 .Values.terminationGracePeriodSeconds) $drain -}}
{{- fail (printf "terminationGracePeriodSeconds: %d (expected: >= controller.shutdown.delaySeconds + graceSeconds = %d)" (int64 .Values.terminationGracePeriodSeconds) $drain) -}}
{{- else -}}
{{- int64 .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end }}
