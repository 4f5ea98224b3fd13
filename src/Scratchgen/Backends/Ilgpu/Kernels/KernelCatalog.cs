using System.Reflection;
using ILGPU;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

/// <summary>
/// Every kernel the backend can launch, found by reflection rather than listed: each public static void method
/// of a *Kernels class here, a generic one once per functor type of the assembly that its constraint admits
/// (and with the adapters the backend wraps functors in). What the PTX and OpenCL tests compile without a
/// device, so a kernel or an op functor that cannot build for CUDA fails CI. A new op's functor joins by existing.
/// </summary>
internal static class KernelCatalog
{
    public sealed record Entry(string Name, MethodInfo Method, bool ExplicitlyGrouped);

    public static IReadOnlyList<Entry> All()
    {
        var functors = Functors();
        var list = new List<Entry>();
        foreach (var kernel in Kernels())
        {
            if (!kernel.IsGenericMethodDefinition)
            {
                list.Add(Make(kernel));
                continue;
            }
            var constraint = kernel.GetGenericArguments()[0].GetGenericParameterConstraints().Single(c => c.IsInterface);
            foreach (var fn in functors.Where(constraint.IsAssignableFrom).Concat(Adapters(kernel.Name, functors)))
                list.Add(Make(kernel.MakeGenericMethod(fn)));
        }
        return list;
    }

    /// <summary>The op functors: every non-generic struct of the assembly with a functor interface.</summary>
    public static IReadOnlyList<Type> Functors() => typeof(IUnaryFn).Assembly.GetTypes()
        .Where(t => t.IsValueType && !t.IsGenericTypeDefinition)
        .Where(t => typeof(IUnaryFn).IsAssignableFrom(t) || typeof(IBinaryFn).IsAssignableFrom(t) || typeof(IReduceFn).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    // MapSum runs ReduceKernels.SumOf with FirstOf<unary>; a two-stage reduction's second stage is Reduce with PartialsOf<reduce>.
    private static IEnumerable<Type> Adapters(string kernel, IReadOnlyList<Type> functors) => kernel switch
    {
        nameof(ReduceKernels.SumOf) => functors.Where(typeof(IUnaryFn).IsAssignableFrom).Select(t => typeof(FirstOf<>).MakeGenericType(t)),
        nameof(ReduceKernels.Reduce) => functors.Where(typeof(IReduceFn).IsAssignableFrom).Select(t => typeof(PartialsOf<>).MakeGenericType(t)),
        _ => [],
    };

    private static IEnumerable<MethodInfo> Kernels() => typeof(KernelCatalog).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(KernelCatalog).Namespace && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Kernels", StringComparison.Ordinal))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.ReturnType == typeof(void));

    // Implicitly grouped kernels take their element index (Index1D) first; the others size their own groups.
    private static Entry Make(MethodInfo m) =>
        new($"{m.DeclaringType!.Name}.{m.Name}{(m.IsGenericMethod ? $"<{Describe(m.GetGenericArguments()[0])}>" : "")}", m,
            m.GetParameters()[0].ParameterType != typeof(Index1D));

    // SumFn, or PartialsOf<SumFn> for a generic functor.
    private static string Describe(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Describe))}>" : t.Name;
}
