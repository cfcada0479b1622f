using Melm.Models.Checkpoints.Hub;

namespace Melm.Models.Tests.Checkpoints.Hub;

public class FilePatternTests
{
    [Theory]
    [InlineData("*.json", "config.json", true)]
    [InlineData("*.json", "onnx/config.json", true)]
    [InlineData("*.json", "config.json.bak", false)]
    [InlineData("model-?????-of-*.safetensors", "model-00001-of-00002.safetensors", true)]
    [InlineData("model-?????-of-*.safetensors", "model-001-of-002.safetensors", false)]
    [InlineData("onnx/*", "onnx/model.onnx", true)]
    [InlineData("onnx/*", "model.onnx", false)]
    [InlineData("model.safetensors", "model.safetensors", true)]
    [InlineData("model.safetensors", "modelXsafetensors", false)]
    [InlineData("[ab].json", "[ab].json", true)]
    [InlineData("[ab].json", "a.json", false)]
    public void MatchesLikeHuggingFaceCliIncludePatterns(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new FilePattern(pattern).Matches(path));
    }
}
