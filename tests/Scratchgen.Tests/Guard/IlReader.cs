using System.Reflection;
using System.Reflection.Emit;

namespace Scratchgen.Tests.Guard;

/// <summary>One IL instruction: where it starts and ends, its opcode, the token it names (calls), and the
/// offsets it may branch to (branches, switch, leave).</summary>
internal sealed record IlInstruction(int Offset, int End, OpCode OpCode, int Token, int[] Targets);

/// <summary>Decodes a method body's IL into instructions, with the opcode table that System.Reflection.Emit
/// publishes (one- and two-byte opcodes, operand sizes from their OperandType).</summary>
internal static class IlReader
{
    private static readonly Dictionary<short, OpCode> Codes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IReadOnlyList<IlInstruction> Read(byte[] il)
    {
        var result = new List<IlInstruction>();
        int at = 0;
        while (at < il.Length)
        {
            int start = at;
            short value = il[at++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[at++]));
            var op = Codes[value];
            int token = 0;
            int[] targets = [];
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                    targets = [at + 1 + (sbyte)il[at]];
                    at += 1;
                    break;
                case OperandType.InlineBrTarget:
                    targets = [at + 4 + BitConverter.ToInt32(il, at)];
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    int count = BitConverter.ToInt32(il, at);
                    int next = at + 4 + 4 * count;
                    targets = Enumerable.Range(0, count).Select(i => next + BitConverter.ToInt32(il, at + 4 + 4 * i)).ToArray();
                    at = next;
                    break;
                case OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                default: // 4-byte operands: int32, float32, and the metadata tokens (method, field, type, string, signature)
                    token = BitConverter.ToInt32(il, at);
                    at += 4;
                    break;
            }
            result.Add(new IlInstruction(start, at, op, token, targets));
        }
        return result;
    }
}
