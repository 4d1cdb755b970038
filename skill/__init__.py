"""The gentle back guide: an Alexa skill about the psoas muscle and back pain."""
