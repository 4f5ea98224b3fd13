using System.Reflection;
using System.Reflection.Emit;

namespace Scratchgen.Tests.Guard;

/// <summary>The basic blocks of one method body and the question <see cref="AssertionFlow"/> asks of them:
/// is there a path from the entry to a `ret` through no checking block?</summary>
internal sealed class Blocks
{
    private sealed class Block(int start, IlInstruction last, bool returns, bool fails, bool checks)
    {
        public readonly int Start = start;
        public readonly IlInstruction Last = last;
        public readonly bool Returns = returns, Fails = fails, Checks = checks;
        public readonly List<Block> Next = [];
        public bool AlwaysFails, Unchecked;

        /// <summary>A conditional branch with an arm that always fails is a check (`if (!ok) Assert.Fail(...)`).</summary>
        public bool BranchChecks => Last.OpCode.FlowControl == FlowControl.Cond_Branch && Next.Any(n => n.AlwaysFails);
    }

    private readonly List<Block> _blocks;

    private Blocks(List<Block> blocks) => _blocks = blocks;

    public static Blocks Build(IReadOnlyList<IlInstruction> code, IList<ExceptionHandlingClause> clauses, Func<IlInstruction, Effect> classify)
    {
        var leaders = new SortedSet<int> { 0 };
        foreach (var i in code)
        {
            leaders.UnionWith(i.Targets);
            if (i.Targets.Length > 0 || EndsBlock(i.OpCode)) leaders.Add(i.End);
        }
        foreach (var c in clauses)
        {
            leaders.Add(c.TryOffset);
            leaders.Add(c.HandlerOffset);
            if (c.Flags == ExceptionHandlingClauseOptions.Filter) leaders.Add(c.FilterOffset);
        }

        var blocks = new List<Block>();
        var byStart = new Dictionary<int, Block>();
        for (int at = 0; at < code.Count;)
        {
            int from = at;
            bool fails = false, checks = false;
            do
            {
                var effect = classify(code[at]);
                fails |= effect == Effect.Fails;
                checks |= effect == Effect.Checks;
                at++;
            } while (at < code.Count && !leaders.Contains(code[at].Offset));
            var last = code[at - 1];
            var block = new Block(code[from].Offset, last, last.OpCode == OpCodes.Ret && !fails, fails, checks);
            blocks.Add(block);
            byStart[block.Start] = block;
        }

        foreach (var b in blocks.Where(b => !b.Fails))
        {
            var op = b.Last.OpCode;
            if (op == OpCodes.Br || op == OpCodes.Br_S || op == OpCodes.Leave || op == OpCodes.Leave_S)
                b.Next.Add(byStart[EnteredLoopBody(b.Last, byStart) ?? b.Last.Targets[0]]);
            else if (op.FlowControl == FlowControl.Cond_Branch)
            {
                b.Next.AddRange(b.Last.Targets.Select(t => byStart[t]));
                if (byStart.TryGetValue(b.Last.End, out var fallThrough)) b.Next.Add(fallThrough);
            }
            else if (!EndsBlock(op) && byStart.TryGetValue(b.Last.End, out var next))
                b.Next.Add(next);
        }
        // An exception may leave any instruction of a try block for its catch (or filter) handler.
        foreach (var c in clauses.Where(c => c.Flags is ExceptionHandlingClauseOptions.Clause or ExceptionHandlingClauseOptions.Filter))
        {
            var handler = byStart[c.Flags == ExceptionHandlingClauseOptions.Filter ? c.FilterOffset : c.HandlerOffset];
            foreach (var b in blocks.Where(b => b.Start >= c.TryOffset && b.Start < c.TryOffset + c.TryLength))
                b.Next.Add(handler);
        }
        return new Blocks(blocks);
    }

    // Instructions after which control does not fall through to the next one.
    private static bool EndsBlock(OpCode op) =>
        op.FlowControl is FlowControl.Branch or FlowControl.Return or FlowControl.Throw || op == OpCodes.Switch;

    // C#'s loops jump forward to their condition, which branches back to the body just after the jump: the
    // jump is read as entering the body, so the body runs at least once.
    private static int? EnteredLoopBody(IlInstruction jump, Dictionary<int, Block> byStart)
    {
        if (jump.OpCode != OpCodes.Br && jump.OpCode != OpCodes.Br_S) return null;
        if (jump.Targets[0] <= jump.Offset || !byStart.TryGetValue(jump.Targets[0], out var condition)) return null;
        var test = condition.Last;
        bool loopsBack = test.OpCode.FlowControl == FlowControl.Cond_Branch && test.OpCode != OpCodes.Switch && test.Targets[0] == jump.End;
        return loopsBack && byStart.ContainsKey(jump.End) ? jump.End : null;
    }

    /// <summary>The IL offset of a `ret` that a path from the entry reaches without a check, or null.</summary>
    public int? UncheckedReturn()
    {
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var b in _blocks.Where(b => !b.AlwaysFails && (b.Fails || (b.Next.Count > 0 && b.Next.All(n => n.AlwaysFails)))))
                changed = b.AlwaysFails = true;
        }
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var b in _blocks.Where(b => !b.Unchecked && !b.Checks && !b.BranchChecks && !b.AlwaysFails && (b.Returns || b.Next.Any(n => n.Unchecked))))
                changed = b.Unchecked = true;
        }
        var at = _blocks[0];
        if (!at.Unchecked) return null;
        var seen = new HashSet<Block>();
        while (!at.Returns && seen.Add(at)) at = at.Next.First(n => n.Unchecked);
        return at.Last.Offset;
    }
}
