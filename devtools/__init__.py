"""Development tools that never ship: starting the sandbox platform, the demo sign-in and
scripted sessions for benchmarks and tests. The frozen build excludes this package; only a
checkout of the repository has it."""
