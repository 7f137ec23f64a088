/**
 * `<base>RUNBOOK.md#anchor` as annotation text: Prometheus expands annotations as Go templates,
 * so a `{{` of the URL is written as the template `{{ "{{" }}`, which prints it back.
 */
export function runbookLink(base: string, link: string): string {
    return `${base}${link}`.split("{{").join('{{ "{{" }}');
}
