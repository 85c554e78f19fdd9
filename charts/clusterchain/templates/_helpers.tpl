{{/*
Names and labels shared by every template (the monitoring ones too). The names follow `helm
create`; everything the chart makes carries app.kubernetes.io/{name,instance,version,managed-by}
and helm.sh/chart, and a component.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "clusterchain.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's base name: fullnameOverride, or the release name when it already contains the
chart's name (`helm install clusterchain ...` gives "clusterchain"), else <release>-<chart>.
Truncated so that the longest suffix the chart adds (-operator-webhook-token) keeps names within 63.
*/}}
{{- define "clusterchain.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "clusterchain.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the chart (add a component beside them). */}}
{{- define "clusterchain.labels" -}}
helm.sh/chart: {{ include "clusterchain.chart" . }}
{{ include "clusterchain.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: clusterchain
{{- end }}

{{/* The labels that select the release's objects (add a component to select one kind of them). */}}
{{- define "clusterchain.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clusterchain.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The operator Pods' labels and selector. The component keeps them apart from what the operator
itself makes, which also carries app.kubernetes.io/name: clusterchain (components logic-node,
reception-node, cluster-config, node-key, leader-lease).
*/}}
{{- define "clusterchain.operator.selectorLabels" -}}
{{ include "clusterchain.selectorLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "clusterchain.operator.labels" -}}
{{ include "clusterchain.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The operator's Deployment, ClusterRole, Role and their bindings. */}}
{{- define "clusterchain.operator.fullname" -}}
{{- printf "%s-operator" (include "clusterchain.fullname" .) }}
{{- end }}

{{- define "clusterchain.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "clusterchain.operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "clusterchain.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "clusterchain.nodeImage" -}}
{{- printf "%s:%s" .Values.nodeImage.repository (.Values.nodeImage.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The Service Alertmanager calls: http://<this>.<namespace>.svc:<alertmanagerWebhook.port>/alertmanager */}}
{{- define "clusterchain.webhook.serviceName" -}}
{{- printf "%s-operator-webhook" (include "clusterchain.fullname" .) }}
{{- end }}

{{/* The Service Prometheus scrapes (port `metrics`; labels clusterchain.operator.selectorLabels). */}}
{{- define "clusterchain.metrics.serviceName" -}}
{{- printf "%s-operator-metrics" (include "clusterchain.fullname" .) }}
{{- end }}

{{/* The Secret holding the webhook's bearer token, and its key: what an Alertmanager receiver references. */}}
{{- define "clusterchain.webhook.secretName" -}}
{{- if .Values.alertmanagerWebhook.existingSecret }}
{{- .Values.alertmanagerWebhook.existingSecret }}
{{- else }}
{{- printf "%s-operator-webhook-token" (include "clusterchain.fullname" .) }}
{{- end }}
{{- end }}

{{- define "clusterchain.webhook.secretKey" -}}
{{- .Values.alertmanagerWebhook.secretKey | default "token" }}
{{- end }}

{{/* The webhook's path (operator/src/dos/webhookServer.ts WEBHOOK_PATH). */}}
{{- define "clusterchain.webhook.path" -}}
/alertmanager
{{- end }}

{{/* The leader Lease's name, fixed in operator/src/bin/operator.ts: one release per cluster. */}}
{{- define "clusterchain.leaseName" -}}
clusterchain-operator
{{- end }}
