namespace RecommenderService.Engine.Tests;

public sealed class TrainingOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        new TrainingOptions().Validate();
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.Factors))]
    [InlineData(nameof(TrainingOptions.Epochs))]
    [InlineData(nameof(TrainingOptions.LearningRate))]
    [InlineData(nameof(TrainingOptions.Regularization))]
    [InlineData(nameof(TrainingOptions.Threads))]
    [InlineData(nameof(TrainingOptions.ValidationFraction))]
    [InlineData(nameof(TrainingOptions.Patience))]
    public void Invalid_settings_are_refused_with_a_message_naming_them(string setting)
    {
        var options = setting switch
        {
            nameof(TrainingOptions.Factors) => new TrainingOptions { Factors = 0 },
            nameof(TrainingOptions.Epochs) => new TrainingOptions { Epochs = 0 },
            nameof(TrainingOptions.LearningRate) => new TrainingOptions { LearningRate = float.NaN },
            nameof(TrainingOptions.Regularization) => new TrainingOptions { Regularization = -1 },
            nameof(TrainingOptions.Threads) => new TrainingOptions { Threads = -2 },
            nameof(TrainingOptions.ValidationFraction) => new TrainingOptions { ValidationFraction = 1 },
            _ => new TrainingOptions { Patience = 0 },
        };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(setting, error.Message);
        Assert.Throws<ArgumentException>(() => new SgdTrainer(options));
    }
}
