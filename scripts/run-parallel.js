// Runs shell commands side by side (npm test: the type-check, ESLint and Prettier on the two
// cores) and prints each one's output whole, in the order given, under its command line.
// Exits 1 when any command fails, naming each that did; every command runs to its end.
const { spawn } = require("child_process");

const commands = process.argv.slice(2);
if (commands.length === 0) {
    console.error("usage: node scripts/run-parallel.js '<command>' '<command>' ...");
    process.exit(2);
}

/** Runs one command through the shell; resolves to its exit code and everything it printed. */
function run(command) {
    return new Promise((resolve) => {
        const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        for (const stream of [child.stdout, child.stderr]) {
            stream.setEncoding("utf8");
            stream.on("data", (chunk) => (output += chunk));
        }
        child.on("error", (err) => (output += `${err.message}\n`));
        child.on("close", (code, signal) => resolve({ command, code: code ?? 1, signal, output }));
    });
}

async function main() {
    const started = Date.now();
    const runs = commands.map(run);
    const failed = [];
    // Printed in the order given, each as soon as it and those before it are done.
    for (const pending of runs) {
        const { command, code, signal, output } = await pending;
        process.stdout.write(`\n> ${command}\n${output}`);
        if (code !== 0) failed.push(`${command} (${signal ? `signal ${signal}` : `exit ${code}`})`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failed.length > 0) {
        process.stderr.write(`\nfailed after ${seconds} s:\n${failed.map((f) => `  ${f}\n`).join("")}`);
        process.exit(1);
    }
    process.stdout.write(`\n${commands.length} commands passed in ${seconds} s\n`);
}

main();
