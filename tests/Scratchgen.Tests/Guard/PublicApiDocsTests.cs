using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml.Linq;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Guard;

/// <summary>
/// The library's public API is documented: every public type, and every public or protected member of one,
/// has a summary (or an inheritdoc) in the XML file the build writes beside Scratchgen.dll, and a member that
/// documents some parameters documents them all. The compiler's CS1591 already fails the build for a member
/// with no doc comment at all; this reads what ships (a comment with only a param tag, or a positional record
/// property that no param names, passes CS1591 and shows nothing in an IDE).
/// </summary>
public sealed class PublicApiDocsTests
{
    private static readonly Assembly Library = typeof(Tensor).Assembly;

    [Fact]
    public void EveryPublicTypeAndMember_HasASummary_AndEveryParameterOnceAnyIsDocumented()
    {
        var xmlPath = Path.ChangeExtension(Library.Location, ".xml");
        Assert.True(File.Exists(xmlPath), $"no documentation file beside the library at {xmlPath}: GenerateDocumentationFile is off");
        var problems = Undocumented(Library, XDocument.Load(xmlPath));
        Assert.True(problems.Count == 0, $"{problems.Count} public API entries lack docs:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TheCheck_FlagsAnEmptyDocumentationFile()
    {
        var problems = Undocumented(Library, XDocument.Parse("<doc><members /></doc>"));
        Assert.Contains("T:Scratchgen.Tensors.Tensor: no summary", problems);
        Assert.Contains("M:Scratchgen.Autograd.Op.Run: no summary", problems);
        Assert.Contains("P:Scratchgen.Tensors.Tensor.Shape: no summary", problems);
    }

    [Fact]
    public void TheCheck_FlagsAParameterMissingBesideADocumentedOne()
    {
        var id = DocId(typeof(Tensor).GetMethod(nameof(Tensor.RandN))!);
        var xml = XDocument.Parse($"<doc><members><member name=\"{id}\"><summary>s</summary><param name=\"shape\">x</param></member></members></doc>");
        var problems = Undocumented(Library, xml);
        Assert.Contains($"{id}: parameter 'rng' has no param tag", problems);
        Assert.DoesNotContain($"{id}: no summary", problems);
    }

    internal static List<string> Undocumented(Assembly assembly, XDocument xml)
    {
        var docs = xml.Descendants("member").Where(m => m.Attribute("name") != null)
            .GroupBy(m => m.Attribute("name")!.Value).ToDictionary(g => g.Key, g => g.First());
        var problems = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName))
        {
            var typeId = DocId(type);
            docs.TryGetValue(typeId, out var typeDoc);
            Check(typeId, typeDoc, null, problems);
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags).Where(m => Visible(m) && !Exempt(type, m)))
            {
                var id = DocId(member);
                docs.TryGetValue(id, out var doc);
                if (doc == null && member is PropertyInfo && ParamOf(typeDoc, member.Name) != null) continue; // a positional record property
                if (doc == null && member is ConstructorInfo c && c.GetParameters().Length == 0) continue; // the implicit constructor
                Check(id, doc, (member as MethodBase)?.GetParameters(), problems);
            }
        }
        return problems;
    }

    private static void Check(string id, XElement? doc, ParameterInfo[]? parameters, List<string> problems)
    {
        if (doc == null || (doc.Element("summary") is not { } s || string.IsNullOrWhiteSpace(s.Value) && !s.HasElements) && doc.Element("inheritdoc") == null)
        {
            problems.Add($"{id}: no summary");
            return;
        }
        if (parameters == null || !doc.Elements("param").Any()) return;
        foreach (var p in parameters.Where(p => ParamOf(doc, p.Name!) == null))
            problems.Add($"{id}: parameter '{p.Name}' has no param tag");
    }

    private static XElement? ParamOf(XElement? doc, string name) =>
        doc?.Elements("param").FirstOrDefault(p => p.Attribute("name")?.Value == name);

    private static bool Visible(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(Visible),
        EventInfo e => e.AddMethod is { } add && Visible(add),
        _ => false, // nested types are checked as exported types
    };

    private static bool Exempt(Type type, MemberInfo m) =>
        m.IsDefined(typeof(CompilerGeneratedAttribute)) // a record's Equals, PrintMembers, <Clone>$...
        || m is MethodInfo { IsSpecialName: true } method && !method.Name.StartsWith("op_", StringComparison.Ordinal) // accessors
        || type.IsEnum && m.Name == "value__"
        || type.IsSubclassOf(typeof(Delegate))
        || (type.IsSealed && m is MethodBase { IsFamily: true }); // a protected member of a sealed type cannot be reached

    /// <summary>The ID the C# compiler gives a member in the XML documentation file.</summary>
    internal static string DocId(MemberInfo m) => m switch
    {
        Type t => "T:" + TypeName(t),
        FieldInfo f => $"F:{TypeName(f.DeclaringType!)}.{f.Name}",
        PropertyInfo p => $"P:{TypeName(p.DeclaringType!)}.{p.Name}{Parameters(p.GetIndexParameters())}",
        EventInfo e => $"E:{TypeName(e.DeclaringType!)}.{e.Name}",
        ConstructorInfo c => $"M:{TypeName(c.DeclaringType!)}.{(c.IsStatic ? "#cctor" : "#ctor")}{Parameters(c.GetParameters())}",
        MethodInfo mi => $"M:{TypeName(mi.DeclaringType!)}.{mi.Name}{(mi.IsGenericMethodDefinition ? "``" + mi.GetGenericArguments().Length : "")}"
                         + Parameters(mi.GetParameters())
                         + (mi.Name is "op_Implicit" or "op_Explicit" ? "~" + ParameterType(mi.ReturnType) : ""),
        _ => throw new ArgumentException($"no documentation ID for {m.MemberType}"),
    };

    // A type's own name: Outer.Inner`1, with '.' for nesting (the generic arity stays on the definition).
    private static string TypeName(Type t) =>
        (t.DeclaringType != null ? TypeName(t.DeclaringType) : t.Namespace) + "." + t.Name;

    private static string Parameters(ParameterInfo[] ps) =>
        ps.Length == 0 ? "" : "(" + string.Join(",", ps.Select(p => ParameterType(p.ParameterType))) + ")";

    // A type as a parameter: generic parameters as `n (type) or ``n (method), instantiations with {...}.
    private static string ParameterType(Type t)
    {
        if (t.IsByRef) return ParameterType(t.GetElementType()!) + "@";
        if (t.IsPointer) return ParameterType(t.GetElementType()!) + "*";
        if (t.IsArray)
            return ParameterType(t.GetElementType()!) + (t.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", t.GetArrayRank())) + "]");
        if (t.IsGenericParameter) return (t.DeclaringMethod != null ? "``" : "`") + t.GenericParameterPosition;
        if (!t.IsGenericType) return (t.DeclaringType != null ? ParameterType(t.DeclaringType) : t.Namespace) + "." + t.Name;
        // Nested in a generic type: the outer type's arguments come first in GetGenericArguments.
        var args = t.GetGenericArguments();
        var sb = new StringBuilder();
        int used = 0;
        if (t.DeclaringType != null)
        {
            var outer = t.DeclaringType;
            used = outer.GetGenericArguments().Length;
            sb.Append(used == 0 ? ParameterType(outer) : ParameterType(outer.MakeGenericType(args[..used])));
        }
        else sb.Append(t.Namespace);
        var name = t.Name;
        int tick = name.IndexOf('`');
        sb.Append('.').Append(tick < 0 ? name : name[..tick]);
        if (tick >= 0) sb.Append('{').Append(string.Join(",", args[used..].Select(ParameterType))).Append('}');
        return sb.ToString();
    }
}
