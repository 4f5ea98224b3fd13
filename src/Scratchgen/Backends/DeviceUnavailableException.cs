namespace Scratchgen.Backends;

/// <summary>
/// A backend named on the command line (cuda, opencl) cannot run on this machine: no such device, no
/// driver, or a device ILGPU refuses. The message says which backend, why, and what to use instead. A
/// NotSupportedException, so callers that fall back (auto) catch it as before; the CLI reports it as a bad
/// option (exit code 2), not as a bug.
/// </summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : NotSupportedException(message, inner);
