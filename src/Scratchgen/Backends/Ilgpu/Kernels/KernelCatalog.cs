using System.Reflection;
using Scratchgen.Backends.Ilgpu.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

/// <summary>
/// Every kernel the backend can launch, each generic one once per GPU twin: what the PTX test
/// compiles for SM_90 without a GPU, so a kernel that cannot build for CUDA fails CI.
/// </summary>
internal static class KernelCatalog
{
    public sealed record Entry(string Name, MethodInfo Method, bool ExplicitlyGrouped);

    public static IReadOnlyList<Entry> All()
    {
        var list = new List<Entry>();
        void Add(Type type, string method, bool explicitGroups, Type? functor = null)
        {
            var m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{type.Name}.{method} not found");
            if (functor != null) m = m.MakeGenericMethod(functor);
            list.Add(new($"{type.Name}.{method}{(functor != null ? $"<{Describe(functor)}>" : "")}", m, explicitGroups));
        }
        foreach (var twin in FunctorTwins.All.Values.DistinctBy(e => e.Twin))
        {
            switch (twin.Kind)
            {
                case FunctorTwins.Kind.Unary:
                    Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Map), false, twin.Twin);
                    Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.MapBackward), false, twin.Twin);
                    Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.BiasMap), false, twin.Twin);
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.SumOf), true, typeof(GpuFirst<>).MakeGenericType(twin.Twin));
                    Add(typeof(BatchNormKernels), nameof(BatchNormKernels.ForwardThen), false, twin.Twin);
                    Add(typeof(BatchNormKernels), nameof(BatchNormKernels.BackwardThen), true, twin.Twin);
                    break;
                case FunctorTwins.Kind.Binary:
                    Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Zip), false, twin.Twin);
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.SumOf), true, twin.Twin);
                    break;
                default:
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.Reduce), true, twin.Twin);
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.ReduceSlices), true, twin.Twin);
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.ReduceSlicesList), true, twin.Twin);
                    Add(typeof(ReduceKernels), nameof(ReduceKernels.Reduce), true, typeof(GpuPartials<>).MakeGenericType(twin.Twin));
                    break;
            }
        }
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Copy), false);
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.AdamStep), false);
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.AdamStepList), false);
        Add(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Fill), false);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V1Naive), false);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V2Tiled), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V3RegisterBlocked), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V4DoubleBuffered), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V5Vectorized), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V6ConflictFree), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V7Unrolled), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.V8WideLoads), true);
        Add(typeof(MatMulKernels), nameof(MatMulKernels.SumParts), false);
        Add(typeof(GatherKernels), nameof(GatherKernels.Gather), false);
        Add(typeof(GatherKernels), nameof(GatherKernels.ScatterAdd), false);
        Add(typeof(ConvKernels), nameof(ConvKernels.Im2Col), false);
        Add(typeof(ConvKernels), nameof(ConvKernels.Col2Im), false);
        Add(typeof(ConvKernels), nameof(ConvKernels.MaxPoolIndices), false);
        Add(typeof(BatchNormKernels), nameof(BatchNormKernels.TrainingStats), true);
        Add(typeof(BatchNormKernels), nameof(BatchNormKernels.ForwardThen), false, typeof(GpuIdentity)); // plain batch norm
        Add(typeof(BatchNormKernels), nameof(BatchNormKernels.BackwardThen), true, typeof(GpuIdentity));
        Add(typeof(SoftmaxKernels), nameof(SoftmaxKernels.Forward), true);
        Add(typeof(SoftmaxKernels), nameof(SoftmaxKernels.Backward), true);
        return list;
    }

    // GpuSum, or GpuPartials<GpuSum> for a generic functor.
    private static string Describe(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Describe))}>" : t.Name;
}
