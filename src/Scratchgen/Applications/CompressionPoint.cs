namespace Scratchgen.Applications;

/// <summary>One point of a rate-distortion comparison: a method at one setting, over the same held-out images.</summary>
/// <param name="Method">The model's kind (ae, vae...), "pca", "jpeg" or "png".</param>
/// <param name="Setting">"4 bits", "float32", "quality 50" or "lossless".</param>
/// <param name="BitsPerValue">Bits per code value for the learned and PCA codes (32: the unquantised float32 code); null for the image codecs.</param>
/// <param name="BytesPerImage">What one image costs on its own: its packed code, or its whole file.</param>
/// <param name="PayloadBytesPerImage">The same less what every image of a collection could share: JPEG's and PNG's
/// headers and tables. A code has no header, so for it this is <paramref name="BytesPerImage"/>.</param>
/// <param name="ModelBytesPerImage">What the decoder needs besides the codes (its float32 weights, or PCA's mean and
/// components, plus the quantiser's ranges), stored once and divided by the number of images: 0 for JPEG and PNG,
/// whose decoders every system has.</param>
/// <param name="Psnr">Mean PSNR in dB of the decoded 8-bit images against the originals (+infinity when lossless).</param>
/// <param name="Ssim">Mean SSIM of the same (<see cref="Evaluation.Ssim"/>).</param>
internal sealed record CompressionPoint(string Method, string Setting, int? BitsPerValue, double BytesPerImage, double PayloadBytesPerImage,
    double ModelBytesPerImage, double Psnr, double Ssim);
