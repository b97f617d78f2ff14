{{- define "moderation.labels" -}}
app.kubernetes.io/part-of: moderation
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
{{- define "moderation.secretName" -}}
{{- if .Values.existingSecret -}}{{ .Values.existingSecret }}{{- else -}}{{ .Release.Name }}-secrets{{- end -}}
{{- end -}}
