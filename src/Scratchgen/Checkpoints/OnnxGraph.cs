using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Scratchgen.Checkpoints;

/// <summary>
/// An ONNX model built node by node and written as the protocol-buffer bytes of onnx.proto's ModelProto,
/// by hand: the few message types an inference graph needs, with their field numbers from onnx.proto
/// (no protobuf library in the engine's dependencies). Every value is a float32 tensor except Reshape's
/// shape (int64).
/// </summary>
internal sealed class OnnxGraph
{
    private const int Float = 1, Int64 = 7; // TensorProto.DataType
    private const int OpsetVersion = 13, IrVersion = 7;
    private readonly List<Proto> _nodes = [], _initializers = [];
    private int _count;

    /// <summary>A float32 constant (weights), by name.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, ReadOnlySpan<int> dims) =>
        AddInitializer(name, Float, dims, MemoryMarshal.AsBytes(values));

    /// <summary>An int64 constant (a shape), by name.</summary>
    public string Constant(string name, ReadOnlySpan<long> values) =>
        AddInitializer(name, Int64, [values.Length], MemoryMarshal.AsBytes(values));

    /// <summary>Adds a node of <paramref name="op"/> on <paramref name="inputs"/> and returns its output's name.
    /// Attributes are float, int or int[] values.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes) =>
        NamedNode(op, $"{op.ToLowerInvariant()}_{_count++}", inputs, attributes);

    /// <summary>As <see cref="Node"/>, with the output's name given (a graph output's, say).</summary>
    public string NamedNode(string op, string output, IReadOnlyList<string> inputs, params (string Name, object Value)[] attributes)
    {
        var node = new Proto();
        foreach (var input in inputs) node.String(1, input);
        node.String(2, output).String(3, output).String(4, op);
        foreach (var (name, value) in attributes)
        {
            var a = new Proto().String(1, name);
            switch (value)
            {
                case float f: a.Float32(2, f).Int(20, 1); break;
                case int i: a.Int(3, i).Int(20, 2); break;
                case int[] ints:
                    foreach (int v in ints) a.Int(8, v);
                    a.Int(20, 7);
                    break;
                default: throw new ArgumentException($"attribute {name}: a {value.GetType().Name} is not float, int or int[]");
            }
            node.Message(5, a);
        }
        _nodes.Add(node);
        return output;
    }

    /// <summary>The ModelProto: one float32 input and one float32 output; a null dimension is the batch ("N").</summary>
    public byte[] Write(string input, int?[] inputDims, string output, int?[] outputDims, string producerVersion)
    {
        var graph = new Proto();
        foreach (var node in _nodes) graph.Message(1, node);
        graph.String(2, "scratchgen");
        foreach (var init in _initializers) graph.Message(5, init);
        graph.Message(11, ValueInfo(input, inputDims)).Message(12, ValueInfo(output, outputDims));
        return new Proto()
            .Int(1, IrVersion).String(2, "Scratchgen").String(3, producerVersion)
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Int(2, OpsetVersion))
            .ToArray();
    }

    private string AddInitializer(string name, int dataType, ReadOnlySpan<int> dims, ReadOnlySpan<byte> raw)
    {
        var t = new Proto();
        foreach (int d in dims) t.Int(1, d);
        _initializers.Add(t.Int(2, dataType).String(8, name).Bytes(9, raw));
        return name;
    }

    // ValueInfoProto { name = 1; type = 2 } with TypeProto { tensor_type = 1 { elem_type = 1; shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } } }
    private static Proto ValueInfo(string name, int?[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims) shape.Message(1, d is int v ? new Proto().Int(1, v) : new Proto().String(2, "N"));
        var tensorType = new Proto().Int(1, Float).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protocol-buffer message being written: varints (wire type 0), 32-bit floats (5) and
    /// length-delimited bytes, strings and sub-messages (2).</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public byte[] ToArray() => _bytes.ToArray();

        public Proto Int(int field, long value)
        {
            Tag(field, 0);
            Varint((ulong)value);
            return this;
        }

        public Proto Float32(int field, float value)
        {
            Tag(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, value);
            _bytes.Write(b);
            return this;
        }

        public Proto Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, 2);
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        private void Varint(ulong v)
        {
            for (; v >= 0x80; v >>= 7) _bytes.WriteByte((byte)(v | 0x80));
            _bytes.WriteByte((byte)v);
        }
    }
}
