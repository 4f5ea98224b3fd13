using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Scratchgen.Tests.Guard;

/// <summary>
/// Whether a method can return without having asserted anything, read from its IL: the body is cut into
/// basic blocks, and a block checks something when it calls an assertion (Xunit's Assert, a method named
/// Assert..., CsCheck's Sample, or a method of the test assembly that always asserts, found the same way),
/// or when it branches to a block that always fails (an `if (!ok) Assert.Fail(...)` or a throw). The method
/// can finish unchecked when a path from its first instruction reaches a `ret` through no such block.
/// Two readings keep it from flagging sound tests: a loop runs its body at least once (the tests loop over
/// fixed, non-empty lists; an empty list is a skip the test must state), and an exception may leave any
/// instruction of a try block for its handler. Code in finally blocks and in lambdas handed to other code is
/// not followed. An async method's state machine is only required to call an assertion somewhere.
/// </summary>
internal sealed class AssertionFlow(Assembly tests)
{
    private readonly Dictionary<MethodBase, bool> _alwaysAsserts = [];
    private readonly HashSet<MethodBase> _inProgress = [];

    /// <summary>Null when every normal return of <paramref name="method"/> passes a check; otherwise where it returns unchecked.</summary>
    public string? UncheckedExit(MethodBase method)
    {
        if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is { } async)
        {
            var moveNext = async.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!;
            return Body(moveNext) is { } il && il.Any(i => Calls(moveNext, i) is { } m && IsCheck(m)) ? null : "its state machine calls no assertion";
        }
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } bytes) return "it has no body";
        var blocks = Blocks.Build(IlReader.Read(bytes), body.ExceptionHandlingClauses, instruction => Classify(method, instruction));
        return blocks.UncheckedReturn() is int offset ? $"a path returns at IL offset 0x{offset:X4} without an assertion" : null;
    }

    /// <summary>Whether every normal return of a test-assembly method passes a check (memoized; a method still
    /// being analyzed, in a recursion, counts as not asserting).</summary>
    private bool AlwaysAsserts(MethodBase method)
    {
        if (_alwaysAsserts.TryGetValue(method, out bool known)) return known;
        if (!_inProgress.Add(method)) return false;
        bool result = UncheckedExit(method) == null;
        _inProgress.Remove(method);
        return _alwaysAsserts[method] = result;
    }

    private static byte[]? Body(MethodBase method) => method.GetMethodBody()?.GetILAsByteArray() is { } bytes ? bytes : null;

    private IEnumerable<IlInstruction> Body(MethodInfo method) => Body((MethodBase)method) is { } bytes ? IlReader.Read(bytes) : [];

    private static MethodBase? Calls(MethodBase caller, IlInstruction i)
    {
        if (i.OpCode.FlowControl != FlowControl.Call || i.OpCode == OpCodes.Calli) return null;
        try
        {
            var typeArgs = caller.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
            var methodArgs = caller.IsGenericMethod ? caller.GetGenericArguments() : null;
            return caller.Module.ResolveMethod(i.Token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // The test assembly's own methods are read (a helper named Assert... must still assert on every path);
    // elsewhere, Xunit's Assert, CsCheck's Sample and the library's Assert... methods (GradCheck's) are checks.
    private bool IsCheck(MethodBase callee)
    {
        if (callee.Module.Assembly == tests) return !callee.IsAbstract && AlwaysAsserts(callee);
        if (callee.DeclaringType?.FullName == "Xunit.Assert" || callee.Name.StartsWith("Assert", StringComparison.Ordinal)) return true;
        return callee.DeclaringType?.Namespace == "CsCheck" && callee.Name.StartsWith("Sample", StringComparison.Ordinal);
    }

    private Effect Classify(MethodBase caller, IlInstruction i)
    {
        if (i.OpCode == OpCodes.Throw || i.OpCode == OpCodes.Rethrow) return Effect.Fails;
        if (Calls(caller, i) is not { } callee) return Effect.None;
        if (callee.DeclaringType?.FullName == "Xunit.Assert" && callee.Name == "Fail") return Effect.Fails;
        return IsCheck(callee) ? Effect.Checks : Effect.None;
    }
}

/// <summary>What one instruction does for the analysis.</summary>
internal enum Effect
{
    None,
    /// <summary>Calls an assertion: every path through it is checked.</summary>
    Checks,
    /// <summary>Never continues (throw, Assert.Fail): the test fails here.</summary>
    Fails,
}
