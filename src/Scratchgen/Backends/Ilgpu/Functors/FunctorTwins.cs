using System.Runtime.CompilerServices;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu.Functors;

/// <summary>
/// The map from each op functor (Ops/**) to its GPU twin: the one place where Backends/Ilgpu names
/// Ops types. A test checks that every IUnaryFn, IBinaryFn and IReduceFn in the assembly has an entry
/// here and that twin and functor agree on sample inputs; another compiles every twin's kernels to PTX.
/// Functor parameters (a slope, clamp bounds) are read as the functor's double fields, in declaration
/// order, with the struct's size checked against the expected count: the op functors do not all
/// expose their parameters (PowFn.P does), so this is a layout read, guarded by the tests.
/// </summary>
internal static class FunctorTwins
{
    public sealed record Entry(Type OpFunctor, Type Twin, Kind Kind, object Dispatch);

    public enum Kind { Unary, Binary, Reduce }

    public static IReadOnlyDictionary<Type, Entry> All { get; } = Build();

    private static Dictionary<Type, Entry> Build()
    {
        var map = new Dictionary<Type, Entry>();
        void U<TFn, TGpu>(Func<TFn, TGpu> convert) where TFn : struct, IUnaryFn where TGpu : struct, IGpuUnary =>
            map.Add(typeof(TFn), new(typeof(TFn), typeof(TGpu), Kind.Unary, new UnaryDispatch<TFn, TGpu>(convert)));
        void B<TFn, TGpu>(Func<TFn, TGpu> convert) where TFn : struct, IBinaryFn where TGpu : struct, IGpuBinary =>
            map.Add(typeof(TFn), new(typeof(TFn), typeof(TGpu), Kind.Binary, new BinaryDispatch<TFn, TGpu>(convert)));
        void R<TFn, TGpu>() where TFn : struct, IReduceFn where TGpu : struct, IGpuReduce =>
            map.Add(typeof(TFn), new(typeof(TFn), typeof(TGpu), Kind.Reduce, new ReduceDispatch<TFn, TGpu>()));

        U<ExpFn, GpuExp>(_ => default);
        U<LogFn, GpuLog>(_ => default);
        U<SqrtFn, GpuSqrt>(_ => default);
        U<AbsFn, GpuAbs>(_ => default);
        U<PowFn, GpuPow>(f => new GpuPow((float)f.P));
        U<ClampFn, GpuClamp>(f => new GpuClamp(Param(f, 0, 2), Param(f, 1, 2)));
        U<StepFn, GpuStep>(_ => default);
        U<SignFn, GpuSign>(_ => default);
        U<InRangeFn, GpuInRange>(f => new GpuInRange(Param(f, 0, 2), Param(f, 1, 2)));
        U<LeakySlopeFn, GpuLeakySlope>(f => new GpuLeakySlope(Param(f, 0, 1)));
        U<AddScalarFn, GpuAddScalar>(f => new GpuAddScalar(Param(f, 0, 1)));
        U<MulScalarFn, GpuMulScalar>(f => new GpuMulScalar(Param(f, 0, 1)));
        U<ReluFn, GpuRelu>(_ => default);
        U<LeakyReluFn, GpuLeakyRelu>(f => new GpuLeakyRelu(Param(f, 0, 1)));
        U<EluFn, GpuElu>(f => new GpuElu(Param(f, 0, 1)));
        U<SigmoidFn, GpuSigmoid>(_ => default);
        U<TanhFn, GpuTanh>(_ => default);
        U<SoftplusFn, GpuSoftplus>(_ => default);
        B<AddFn, GpuAdd>(_ => default);
        B<SubFn, GpuSub>(_ => default);
        B<MulFn, GpuMul>(_ => default);
        B<DivFn, GpuDiv>(_ => default);
        B<EqualFn, GpuEqual>(_ => default);
        B<AxpyFn, GpuAxpy>(f => new GpuAxpy(Param(f, 0, 1)));
        B<MomentumFn, GpuMomentum>(f => new GpuMomentum(Param(f, 0, 1)));
        B<LinearCombinationFn, GpuLinearCombination>(f => new GpuLinearCombination((float)f.Alpha, (float)f.Beta));
        B<BceWithLogitsFn, GpuBceWithLogits>(_ => default);
        B<SigmoidMinusFn, GpuSigmoidMinus>(f => new GpuSigmoidMinus((float)f.Scale));
        R<SumFn, GpuSum>();
        R<MaxFn, GpuMax>();
        R<SumSquaresFn, GpuSumSquares>();
        return map;
    }

    /// <summary>Parameter <paramref name="index"/> of a functor whose fields are exactly <paramref name="count"/> doubles.</summary>
    internal static float Param<TFn>(TFn fn, int index, int count) where TFn : struct => (float)ParamD(fn, index, count);

    internal static double ParamD<TFn>(TFn fn, int index, int count) where TFn : struct
    {
        if (Unsafe.SizeOf<TFn>() != count * sizeof(double))
            throw new InvalidOperationException(
                $"{typeof(TFn).Name}: expected {count} double parameter(s) ({count * sizeof(double)} bytes), the struct has {Unsafe.SizeOf<TFn>()} bytes; update FunctorTwins");
        return Unsafe.Add(ref Unsafe.As<TFn, double>(ref fn), index);
    }

    public static UnaryDispatch<TFn> Unary<TFn>() where TFn : struct, IUnaryFn => (UnaryDispatch<TFn>)Find<TFn>().Dispatch;

    public static BinaryDispatch<TFn> Binary<TFn>() where TFn : struct, IBinaryFn => (BinaryDispatch<TFn>)Find<TFn>().Dispatch;

    public static ReduceDispatch<TFn> Reduce<TFn>() where TFn : struct, IReduceFn => (ReduceDispatch<TFn>)Find<TFn>().Dispatch;

    private static Entry Find<TFn>() =>
        All.TryGetValue(typeof(TFn), out var e) ? e : throw new NotSupportedException(
            $"the ilgpu backend has no GPU twin for functor {typeof(TFn).FullName}: add one in Backends/Ilgpu/Functors and register it in FunctorTwins");
}

/// <summary>Calls the backend's twin-typed kernel entry with the op functor converted to its twin.</summary>
internal abstract class UnaryDispatch<TFn> where TFn : struct, IUnaryFn
{
    public abstract void Map(IlgpuBackend b, Tensor x, Tensor y, TFn fn);

    public abstract void MapBackward(IlgpuBackend b, Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn);

    public abstract void BiasMap(IlgpuBackend b, Tensor z, Tensor bias, Tensor y, TFn fn);

    public abstract void MapSum(IlgpuBackend b, Tensor x, Tensor y, TFn fn, double scale);

    public abstract void BatchNormActivation(IlgpuBackend b, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn);

    public abstract void BatchNormActivationBackward(IlgpuBackend b, Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn);
}

internal sealed class UnaryDispatch<TFn, TGpu>(Func<TFn, TGpu> convert) : UnaryDispatch<TFn>
    where TFn : struct, IUnaryFn where TGpu : struct, IGpuUnary
{
    public TGpu Convert(TFn fn) => convert(fn);

    public override void Map(IlgpuBackend b, Tensor x, Tensor y, TFn fn) => b.MapGpu(x, y, convert(fn));

    public override void MapBackward(IlgpuBackend b, Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) =>
        b.MapBackwardGpu(x, y, dy, dx, convert(fn));

    public override void BiasMap(IlgpuBackend b, Tensor z, Tensor bias, Tensor y, TFn fn) => b.BiasMapGpu(z, bias, y, convert(fn));

    public override void MapSum(IlgpuBackend b, Tensor x, Tensor y, TFn fn, double scale) => b.SumOfGpu(x, x, y, new GpuFirst<TGpu>(convert(fn)), scale);

    public override void BatchNormActivation(IlgpuBackend b, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) =>
        b.BatchNormActivationGpu(x, mean, invStd, gamma, beta, y, convert(fn));

    public override void BatchNormActivationBackward(IlgpuBackend b, Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) =>
        b.BatchNormActivationBackwardGpu(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, convert(fn));
}

internal abstract class BinaryDispatch<TFn> where TFn : struct, IBinaryFn
{
    public abstract void Zip(IlgpuBackend b, Tensor a, Tensor c, Tensor y, TFn fn);

    public abstract void ZipSum(IlgpuBackend b, Tensor a, Tensor c, Tensor y, TFn fn, double scale);
}

internal sealed class BinaryDispatch<TFn, TGpu>(Func<TFn, TGpu> convert) : BinaryDispatch<TFn>
    where TFn : struct, IBinaryFn where TGpu : struct, IGpuBinary
{
    public TGpu Convert(TFn fn) => convert(fn);

    public override void Zip(IlgpuBackend b, Tensor a, Tensor c, Tensor y, TFn fn) => b.ZipGpu(a, c, y, convert(fn));

    public override void ZipSum(IlgpuBackend b, Tensor a, Tensor c, Tensor y, TFn fn, double scale) => b.SumOfGpu(a, c, y, convert(fn), scale);
}

internal abstract class ReduceDispatch<TFn> where TFn : struct, IReduceFn
{
    public abstract void Reduce(IlgpuBackend b, Tensor x, Tensor y);
}

internal sealed class ReduceDispatch<TFn, TGpu> : ReduceDispatch<TFn> where TFn : struct, IReduceFn where TGpu : struct, IGpuReduce
{
    public override void Reduce(IlgpuBackend b, Tensor x, Tensor y) => b.ReduceGpu(x, y, default(TGpu));
}
