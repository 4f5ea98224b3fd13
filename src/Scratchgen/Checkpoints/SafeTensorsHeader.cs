using System.Globalization;
using System.Text;

namespace Scratchgen.Checkpoints;

/// <summary>Builds the JSON header exactly as the reference writer (Rust safetensors, used by Python's
/// safetensors package) does: compact serde_json, "__metadata__" first (omitted when null), then the
/// tensors sorted by dtype alignment (largest first) and then by name (UTF-8 byte order), each as
/// {"dtype":..,"shape":[..],"data_offsets":[begin,end]}, padded with spaces to a multiple of 8 bytes.
/// The reference keeps metadata in a hash map, so with two or more metadata keys its order is not
/// fixed; we sort the keys.</summary>
internal static class SafeTensorsHeader
{
    /// <summary>The write order of the tensors.</summary>
    public static List<KeyValuePair<string, TensorEntry>> Order(IReadOnlyDictionary<string, TensorEntry> tensors)
    {
        var list = tensors.ToList();
        list.Sort((a, b) =>
        {
            int byType = ((int)b.Value.DType).CompareTo((int)a.Value.DType);
            return byType != 0 ? byType : CompareUtf8(a.Key, b.Key);
        });
        return list;
    }

    public static byte[] Build(List<KeyValuePair<string, TensorEntry>> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var sb = new StringBuilder();
        sb.Append('{');
        bool first = true;
        if (metadata != null)
        {
            sb.Append("\"__metadata__\":{");
            var keys = metadata.Keys.ToList();
            keys.Sort(CompareUtf8);
            for (int i = 0; i < keys.Count; i++)
            {
                if (i > 0) sb.Append(',');
                AppendString(sb, keys[i]);
                sb.Append(':');
                AppendString(sb, metadata[keys[i]]);
            }
            sb.Append('}');
            first = false;
        }
        long offset = 0;
        foreach (var (name, entry) in ordered)
        {
            if (!first) sb.Append(',');
            first = false;
            AppendString(sb, name);
            sb.Append(":{\"dtype\":\"").Append(entry.DType.Name()).Append("\",\"shape\":[");
            sb.AppendJoin(',', entry.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            long end = offset + entry.Bytes.Length;
            sb.Append(CultureInfo.InvariantCulture, $"],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        sb.Append('}');
        var utf8 = Encoding.UTF8.GetBytes(sb.ToString());
        int padded = (utf8.Length + 7) / 8 * 8;
        var header = new byte[padded];
        utf8.CopyTo(header, 0);
        header.AsSpan(utf8.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>A JSON string escaped as serde_json does: \" \\ \b \t \n \f \r, other control
    /// characters as \u00xx (lowercase hex), everything else (non-ASCII included) as is.</summary>
    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20) sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Rust's string order: byte-wise over UTF-8.</summary>
    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
}
